"""The colleague directory: signed-in users of the caller's company, by name or employee number.

Used to invite colleagues to a workspace. Only users who have signed in once exist here (the
portal provisions users from their tokens); other companies' users are never returned.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel

from portal.api.deps import CurrentUser, Db
from portal.db.repositories import users
from portal.db.repositories.users import DirectoryEntry

router = APIRouter(prefix="/directory", tags=["directory"])

MAX_RESULTS = 20


class DirectoryList(BaseModel):
    items: list[DirectoryEntry]


@router.get("/users", response_model=DirectoryList)
def search_users(
    user: CurrentUser,
    db: Db,
    q: str = Query(
        ..., min_length=1, max_length=50, description="part of a name, or the start of an employee number"
    ),
    limit: int = Query(10, ge=1, le=MAX_RESULTS),
) -> DirectoryList:
    """Colleagues matching `q` (never the caller), exact employee number first."""
    query = q.strip()
    if not query:
        return DirectoryList(items=[])
    return DirectoryList(
        items=users.search_directory(
            db, query=query, company_code=user.company_code, exclude_empno=user.empno, limit=limit
        )
    )
