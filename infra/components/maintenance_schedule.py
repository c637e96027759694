"""The sweep function on a 5-minute schedule: cache sweep, stale WebSocket connections, overdue turns."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from infra.components.layers import PortalLayers
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.functions import SWEEP

SWEEP_PERIOD_MINUTES = 5  # portal/agents/overdue.py states the bound this gives


class MaintenanceSchedule(Construct):
    """Scheduled rules are free. The sweep finds overdue turns in DynamoDB (a sparse index), so it
    reaches Aurora only when a stuck turn must be recorded: an idle portal's Aurora stays paused.
    Every 5 minutes bounds how long a turn nobody watches stays open past its deadline."""

    def __init__(self, scope: Construct, id: str, *, layers: PortalLayers, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.function = PortalFunction(self, "Sweep", spec=SWEEP, layers=layers, config=config)
        self.rule = events.Rule(
            self,
            "Every5Minutes",
            description="ai-portal cache sweep, stale connection cleanup, overdue turns",
            schedule=events.Schedule.rate(Duration.minutes(SWEEP_PERIOD_MINUTES)),
            targets=[targets.LambdaFunction(self.function.function, retry_attempts=2)],
        )
