"""Starts the chat state machine for a turn; optionally waits for it to finish."""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import ClientError

from portal.agents.turn import TurnInput
from portal.errors import NotConfigured
from portal.observability import logger

_TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


class TurnLauncher:
    """Step Functions StartExecution keyed by turn id (a retried start cannot run a turn twice)."""

    def __init__(self, sfn: Any, state_machine_arn: str | None, *, sync_supported: bool) -> None:
        self._sfn = sfn
        self._arn = state_machine_arn
        self._sync = sync_supported

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

    def run(self, turn: TurnInput, *, timeout_seconds: float = 120.0) -> dict[str, Any]:
        """Run the turn to the end: {"status", "output"|"error"}."""
        arn = self._require_arn()
        if self._sync:
            # Express machines in AWS: one call that returns when the workflow ends.
            out = self._sfn.start_sync_execution(
                stateMachineArn=arn, name=turn.turn_id, input=turn.model_dump_json()
            )
            return _result(out)
        # moto has no StartSyncExecution: start, then poll until the execution ends.
        execution_arn = self.start(turn)
        deadline = time.monotonic() + timeout_seconds
        delay = 0.05
        while True:
            out = self._sfn.describe_execution(executionArn=execution_arn)
            if out["status"] in _TERMINAL:
                return _result(out)
            if time.monotonic() > deadline:
                return {"status": "TIMED_OUT", "error": "the turn did not finish in time"}
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)


def _result(out: dict[str, Any]) -> dict[str, Any]:
    status = out["status"]
    if status == "SUCCEEDED":
        return {"status": status, "output": json.loads(out.get("output") or "{}")}
    return {"status": status, "error": out.get("error") or out.get("cause") or status}
