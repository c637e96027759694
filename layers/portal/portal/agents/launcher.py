"""Starts the chat state machine for a turn."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from portal.agents.turn import TurnInput
from portal.errors import NotConfigured
from portal.observability import logger


class TurnLauncher:
    """Step Functions StartExecution keyed by turn id (a retried start cannot run a turn twice).

    Never StartSyncExecution: it holds the caller for the whole turn (up to Express's 5
    minutes), longer than API Gateway lets the REST API answer (29 s). `?wait=true` waits
    for the stored answer instead (portal.agents.waiting).
    """

    def __init__(self, sfn: Any, state_machine_arn: str | None) -> None:
        self._sfn = sfn
        self._arn = state_machine_arn

    def _require_arn(self) -> str:
        if not self._arn:
            raise NotConfigured("The chat workflow is not configured (PORTAL_CHAT_STATE_MACHINE_ARN)")
        return self._arn

    def start(self, turn: TurnInput) -> str:
        """Start the turn's execution; return its ARN."""
        arn = self._require_arn()
        try:
            out = self._sfn.start_execution(
                stateMachineArn=arn, name=turn.turn_id, input=turn.model_dump_json()
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ExecutionAlreadyExists":
                logger.info("turn already started", extra={"turn_id": turn.turn_id})
                return f"{arn.replace(':stateMachine:', ':execution:')}:{turn.turn_id}"
            raise
        return str(out["executionArn"])
