"""The state machine's Catch: mark the turn failed and tell the user's sockets why."""

from __future__ import annotations

import json
from typing import Any

from portal import services
from portal.agents.runner import open_stream
from portal.agents.turn import TurnInput
from portal.db.repositories import messages
from portal.observability import MetricName, logger, metrics

USER_MESSAGE_KO = "죄송합니다. 답변을 만드는 중 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."


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
    """Store a failed assistant message for the turn (unless one completed) and send an error event."""
    turn = TurnInput.model_validate(event)
    reason = _reason(event.get("error") or {})
    db = services.db()
    stored = messages.get_turn_message(db, turn_id=turn.turn_id, role="assistant")
    if stored is not None and stored.status == "completed":
        return {"status": "already_completed", "message_id": stored.id}
    route = event.get("route") or {}
    saved = messages.save_assistant_message(
        db,
        conversation_id=turn.conversation_id,
        turn_id=turn.turn_id,
        content=USER_MESSAGE_KO,
        status="failed",
        agent_type=route.get("agent"),
        model_used=None,
        metadata={"error": reason, **({"route": route} if route else {})},
    )
    open_stream(turn).finish(
        {"type": "error", "code": "turn_failed", "message": USER_MESSAGE_KO, "message_id": saved.id}
    )
    metrics.add_metric(name=MetricName.TURN_FAILED, unit="Count", value=1)
    logger.error("turn failed", extra={"reason": reason})
    return {"status": "failed", "message_id": saved.id, "reason": reason}
