"""The soft warning: a turn whose model calls crossed a budget's warning share tells the user's sockets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.budgets import scope as budget_scope
from portal.budgets.errors import BUDGET_WARNING, warning_message
from portal.budgets.ledger import Standing
from portal.observability import MetricName, logger, metrics


def warning_event(standing: Standing, *, turn_id: str | None) -> dict[str, Any]:
    """The `budget_warning` event (also what GET /api/me/budget's state means)."""
    limit = standing.limit
    cap = limit.monthly_limit_usd or 0.0
    return {
        "type": BUDGET_WARNING,
        "code": BUDGET_WARNING,
        "message": warning_message(limit.scope, limit.subject, standing.used_usd, cap),
        "turn_id": turn_id,
        "scope": limit.scope,
        "monthly_limit_usd": cap,
        "spent_usd": round(standing.used_usd, 6),
        "warn_ratio": limit.warn_ratio,
    }


def pending_warning() -> dict[str, Any] | None:
    """The warning this invocation's calls raised, if any (the fullest budget's, newest standing)."""
    scope = budget_scope.current()
    if scope is None or not scope.warnings:
        return None

    def fullness(st: Standing) -> float:
        cap = st.limit.monthly_limit_usd
        return st.used_usd / cap if cap else 0.0

    return warning_event(max(reversed(scope.warnings), key=fullness), turn_id=scope.turn_id)


def announce_warning(recipients: Callable[[], list[str]]) -> dict[str, Any] | None:
    """Send the pending warning to the turn's sockets; returns it (None when there is none).

    `recipients` is asked only when a warning is pending: finding the turn's sockets is a
    DynamoDB query, and nearly every turn has nothing to announce."""
    event = pending_warning()
    if event is None:
        return None
    from portal import services

    metrics.add_metric(name=MetricName.BUDGET_WARNED, unit="Count", value=1)
    sender = services.sender()
    for connection_id in recipients():
        try:
            sender.send(connection_id, event)
        except Exception:  # a warning is advice: a socket fault must not fail the answered turn
            logger.warning("budget warning not delivered", extra={"connection_id": connection_id})
    return event
