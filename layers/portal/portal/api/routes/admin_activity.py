"""The activity log for administrators, filtered by who, what, when and target."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from portal.api.deps import AdminUser, Db
from portal.db.repositories import activity
from portal.db.repositories.activity import Activity, ActivityFilter
from portal.errors import BadRequest

router = APIRouter(prefix="/admin/activity", tags=["admin"])


class ActivityPage(BaseModel):
    items: list[Activity]


@router.get("", response_model=ActivityPage)
def search(
    admin: AdminUser,
    db: Db,
    empno: str | None = Query(None, max_length=20),
    action: str | None = Query(None, max_length=100),
    resource_type: str | None = Query(None, max_length=50),
    target: str | None = Query(None, max_length=100),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> ActivityPage:
    """Newest first; `target` is the resource's id or the empno/key an admin change was about."""
    if since and until and until <= since:
        raise BadRequest("'until' must be after 'since'")
    f = ActivityFilter(
        empno=empno, action=action, resource_type=resource_type, resource_id=target, since=since, until=until
    )
    return ActivityPage(items=activity.search(db, f, limit=limit, offset=offset))
