"""The budget refusal a user sees (Korean first; the web UI also knows the code)."""

from __future__ import annotations

import json
from typing import Any, Literal

from portal.errors import PortalError

Scope = Literal["user", "department"]
BUDGET_EXCEEDED = "budget_exceeded"
BUDGET_WARNING = "budget_warning"
EXCEEDED_GENERIC_KO = (
    "이번 달 사용 예산을 모두 사용해 더 이상 답변할 수 없습니다. 관리자에게 예산 증액을 요청해 주세요."
)


class BudgetExceeded(PortalError):
    """A model call (or a turn) would take the user's or department's monthly spend past its limit.

    402: the request is well-formed and allowed, but this month's money for it is gone; an
    administrator raising the budget lets the next request through at once.
    """

    status_code = 402
    code = BUDGET_EXCEEDED


def exceeded_message(scope: Scope, subject: str, limit_usd: float) -> str:
    """The refusal, in Korean, naming whose budget ran out and its limit."""
    whose = "내" if scope == "user" else f"부서({subject})"
    return (
        f"이번 달 {whose} 사용 예산(월 ${limit_usd:,.2f})을 모두 사용해 더 이상 답변할 수 없습니다. "
        "관리자에게 예산 증액을 요청해 주세요."
    )


def too_little_left_message(
    scope: Scope, subject: str, limit_usd: float, left_usd: float, floor_usd: float
) -> str:
    """The refusal at the door, in Korean, when what is left cannot pay for one answer."""
    whose = "내" if scope == "user" else f"부서({subject})"
    return (
        f"이번 달 {whose} 사용 예산(월 ${limit_usd:,.2f})이 ${max(left_usd, 0):,.4f} 남아, 답변 한 번의 "
        f"최소 비용(약 ${floor_usd:,.4f})에 못 미칩니다. 관리자에게 예산 증액을 요청해 주세요."
    )


def warning_message(scope: Scope, subject: str, spent_usd: float, limit_usd: float) -> str:
    """The soft warning, in Korean: how much of whose budget is used."""
    whose = "내" if scope == "user" else f"부서({subject})"
    share = 0 if limit_usd <= 0 else round(100 * spent_usd / limit_usd)
    return f"이번 달 {whose} 사용 예산의 {share}%(${spent_usd:,.2f} / ${limit_usd:,.2f})를 사용했습니다."


def budget_refusal(error: dict[str, Any]) -> str | None:
    """The Korean refusal when a state machine Catch's ``{"Error","Cause"}`` is a BudgetExceeded."""
    if error.get("Error") != BudgetExceeded.__name__:
        return None
    try:
        cause = json.loads(error.get("Cause") or "")
    except (TypeError, ValueError):
        cause = {}
    message = cause.get("errorMessage") if isinstance(cause, dict) else None
    return str(message) if message else EXCEEDED_GENERIC_KO


def refused_by_budget(metadata: dict[str, Any]) -> bool:
    """Whether a failed answer is a budget refusal (its recorded reason names BudgetExceeded)."""
    return str(metadata.get("error") or "").startswith(BudgetExceeded.__name__)
