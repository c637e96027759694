"""The signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from portal.api.deps import CurrentUser
from portal.api.schemas import MeOut

router = APIRouter(tags=["me"])


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser) -> MeOut:
    """Who the token belongs to."""
    return MeOut(
        empno=user.empno,
        name=user.name_ko,
        department=user.department,
        company=user.company,
        company_code=user.company_code,
        roles=user.roles,
        is_admin=user.is_admin,
    )
