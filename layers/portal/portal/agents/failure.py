"""The state machine's Catch: tell the user's sockets the turn failed, then mark it failed."""

from __future__ import annotations

import json
from typing import Any

from portal.agents.completion import USER_MESSAGE_KO, fail_turn
from portal.agents.turn import TurnInput
from portal.budgets.errors import BUDGET_EXCEEDED, budget_refusal
from portal.observability import emit_turn

__all__ = ["USER_MESSAGE_KO", "handle_failure"]


def _reason(error: dict[str, Any]) -> str:
    """A short reason from the Catch's {"Error","Cause"} (Cause may be a Lambda error JSON)."""
    name = str(error.get("Error") or "Error")
    cause = error.get("Cause") or ""
    try:
        parsed = json.loads(cause)
        cause = parsed.get("errorMessage") or parsed.get("errorType") or cause
    except (TypeError, ValueError):
        pass
    return f"{name}: {str(cause)[:500]}" if cause else name


def handle_failure(event: dict[str, Any]) -> dict[str, Any]:
    """End the turn as failed (unless it completed): sockets first, then the stored answer."""
    turn = TurnInput.model_validate(event)
    error = event.get("error") or {}
    refusal = budget_refusal(error)  # a budget stop keeps its own code and Korean message
    outcome = fail_turn(
        turn,
        reason=_reason(error),
        route=event.get("route") or None,
        code=BUDGET_EXCEEDED if refusal else "turn_failed",
        message=refusal or USER_MESSAGE_KO,
    )
    if outcome.status == "failed":  # by agent and model (the model is unknown: the turn has no answer)
        emit_turn(str((event.get("route") or {}).get("agent") or "none"), "none", failed=True)
    return outcome.as_result()
