"""An EventBridge rule: a Standard workflow's execution that ended badly reaches the failure handler.

Step Functions sends "Execution Status Change" events for Standard workflows only, so the
Express chat machine gets no rule (its turns are repaired when resumed past their deadline).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.components.portal_function import PortalFunction

# FAILED too: the machine's Catch runs the handler first, but not when the handler itself failed.
ENDED_BADLY = ["FAILED", "TIMED_OUT", "ABORTED"]


class ExecutionEndedRule(Construct):
    """Status-change events of one state machine -> the failure handler (which skips turns already failed)."""

    def __init__(
        self, scope: Construct, id: str, *, state_machine: sfn.IStateMachine, handler: PortalFunction
    ) -> None:
        super().__init__(scope, id)
        self.rule = events.Rule(
            self,
            "Rule",
            description="ai-portal: a research run that timed out or was aborted marks its turn failed",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={"status": ENDED_BADLY, "stateMachineArn": [state_machine.state_machine_arn]},
            ),
            targets=[
                targets.LambdaFunction(handler.function, retry_attempts=4, max_event_age=Duration.hours(1))
            ],
        )
