"""The signed-in user's budget this month: GET /api/me/budget."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from portal.api.deps import CurrentUser, Db
from portal.budgets import ledger
from portal.budgets.errors import Scope
from portal.budgets.ledger import Standing

router = APIRouter(tags=["me"])
_SEVERITY = {"ok": 0, "warning": 1, "exceeded": 2}


class BudgetPart(BaseModel):
    scope: Scope
    subject: str
    monthly_limit_usd: float | None
    spent_usd: float
    warn_ratio: float
    state: Literal["ok", "warning", "exceeded"]


class MyBudget(BaseModel):
    """The binding budget (the user's or their department's, whichever is fuller) and both parts."""

    monthly_limit_usd: float | None
    spent_usd: float
    warn_ratio: float
    state: Literal["ok", "warning", "exceeded"]
    scope: Scope
    parts: list[BudgetPart]


def _part(st: Standing) -> BudgetPart:
    return BudgetPart(
        scope=st.limit.scope,
        subject=st.limit.subject,
        monthly_limit_usd=st.limit.monthly_limit_usd,
        spent_usd=round(st.used_usd, 6),
        warn_ratio=st.limit.warn_ratio,
        state=st.state,
    )


def _binding(st: Standing) -> tuple[int, float]:
    cap = st.limit.monthly_limit_usd
    return _SEVERITY[st.state], (st.used_usd / cap if cap else -1.0)


@router.get("/me/budget", response_model=MyBudget)
def my_budget(user: CurrentUser, db: Db) -> MyBudget:
    found = ledger.standings(db, empno=user.empno, department=user.department)
    # The user's own budget unless the department's is the one that binds (fuller, or limited).
    binding = max(found, key=_binding)
    return MyBudget(
        monthly_limit_usd=binding.limit.monthly_limit_usd,
        spent_usd=round(binding.used_usd, 6),
        warn_ratio=binding.limit.warn_ratio,
        state=binding.state,
        scope=binding.limit.scope,
        parts=[_part(st) for st in found],
    )
