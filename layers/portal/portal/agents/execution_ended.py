"""A Standard workflow execution that ended without its Catch running: EventBridge tells us.

Step Functions sends "Step Functions Execution Status Change" events for Standard workflows
(not Express: the chat machine's turns are repaired by portal.agents.overdue instead). A
research run that timed out, was aborted by an operator, or failed in its own failure
handler would leave the turn's "streaming" placeholder forever; this marks it failed with
the failure handler's own code and tells the user's sockets.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from portal import services
from portal.agents.failure import handle_failure
from portal.agents.turn import TurnInput
from portal.db.repositories import messages
from portal.observability import logger

STATUS_CHANGE = "Step Functions Execution Status Change"
ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")


class StatusChange(BaseModel):
    """The `detail` of EventBridge's event (the fields this handler reads)."""

    # Built at its first validation, not at import: a Catch's invocation never reads one (#14).
    model_config = ConfigDict(defer_build=True)

    status: str
    execution_arn: str = Field(alias="executionArn")
    input: str | None = None
    error: str | None = None
    cause: str | None = None


def is_status_change(event: dict[str, Any]) -> bool:
    """Whether a failure-handler event came from EventBridge rather than a state machine's Catch."""
    return event.get("source") == "aws.states" and event.get("detail-type") == STATUS_CHANGE


def handle_execution_ended(event: dict[str, Any]) -> dict[str, Any]:
    """Mark the execution's turn failed unless it ended well or its Catch already did."""
    change = StatusChange.model_validate(event.get("detail") or {})
    if change.status not in ENDED_BADLY:
        return {"status": "ignored", "execution_status": change.status}
    # Research runs start with the chat turn (TurnInput + route) as their input.
    payload: dict[str, Any] = json.loads(change.input or "{}")
    turn = TurnInput.model_validate(payload)
    stored = messages.get_turn_message(services.db(), turn_id=turn.turn_id, role="assistant")
    if stored is not None and stored.status == "failed":
        return {"status": "already_failed", "message_id": stored.id}
    logger.warning(
        "workflow execution ended without marking its turn",
        extra={"execution_arn": change.execution_arn, "execution_status": change.status},
    )
    error = {
        "Error": change.error or f"States.{change.status}",
        "Cause": change.cause or f"The execution ended {change.status}",
    }
    return handle_failure({**payload, "error": error})
