"""The user's profile summary: what the portal learned from their turns, which they can read and delete.

Collected only while profile collection is on (settings; PUT /api/me/preferences
`profile_collection`), and used in the general and domain agents' prompts only then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from portal.api.deps import CurrentUser, Db
from portal.db.repositories import preferences, profile_logs, users

router = APIRouter(prefix="/me", tags=["me"])


class ProfileOut(BaseModel):
    collecting: bool  # False: the user opted out (nothing is collected or used)
    topics: list[str] = []
    agents: list[str] = []
    language: str | None = None
    turns: int = 0
    updated_at: datetime | None = None


@router.get("/profile", response_model=ProfileOut)
def get_profile(user: CurrentUser, db: Db) -> ProfileOut:
    """The summary as it is stored in users.profile_data (and used in prompts while collecting)."""
    found = users.get(db, empno=user.empno)
    data: dict[str, Any] = dict(found.profile_data) if found is not None else {}
    return ProfileOut(collecting=preferences.get(db, empno=user.empno).profile_collection, **_known(data))


@router.delete("/profile", status_code=204)
def delete_profile(user: CurrentUser, db: Db) -> Response:
    """Delete the summary and every signal it was made of (collection goes on unless switched off)."""
    profile_logs.forget(db, empno=user.empno)
    return Response(status_code=204)


def _known(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("topics", "agents", "language", "turns", "updated_at") if k in data}
