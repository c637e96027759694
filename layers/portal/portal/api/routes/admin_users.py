"""The users an administrator looks after: search, role, department, last activity, spend this month."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from portal.api.deps import AdminUser, Db
from portal.api.usage_window import month_start
from portal.db.repositories import usage, user_admin
from portal.db.repositories.user_admin import AdminUserRow

router = APIRouter(prefix="/admin/users", tags=["admin"])


class AdminUserOut(AdminUserRow):
    is_admin: bool
    spend_this_month_usd: float


class AdminUserList(BaseModel):
    total: int
    items: list[AdminUserOut]
    departments: list[str]  # every known department (the console's filter and bulk grant)


@router.get("", response_model=AdminUserList)
def list_users(
    admin: AdminUser,
    db: Db,
    q: str | None = Query(None, min_length=1, max_length=100),
    department: str | None = Query(None, max_length=100),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> AdminUserList:
    """Roles come from the identity provider (refreshed at each sign-in); they are shown, not edited here."""
    page = user_admin.search(
        db, query=q.strip() if q else None, department=department, limit=limit, offset=offset
    )
    since = datetime.combine(month_start(), datetime.min.time(), tzinfo=UTC)
    spend = usage.spend_since(db, empnos=[u.empno for u in page.items], since=since)
    return AdminUserList(
        total=page.total,
        items=[
            AdminUserOut(
                **u.model_dump(), is_admin="admin" in u.roles, spend_this_month_usd=spend.get(u.empno, 0.0)
            )
            for u in page.items
        ],
        departments=user_admin.departments(db),
    )
