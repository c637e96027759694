"""The sweep function on a 15-minute schedule: cache sweep and stale WebSocket connections."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from infra.components.layers import PortalLayers
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.functions import SWEEP


class MaintenanceSchedule(Construct):
    """Scheduled rules are free; the sweep gets no database access, so it never wakes a paused Aurora."""

    def __init__(self, scope: Construct, id: str, *, layers: PortalLayers, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.function = PortalFunction(self, "Sweep", spec=SWEEP, layers=layers, config=config)
        self.rule = events.Rule(
            self,
            "Every15Minutes",
            description="ai-portal cache sweep and stale connection cleanup",
            schedule=events.Schedule.rate(Duration.minutes(15)),
            targets=[targets.LambdaFunction(self.function.function, retry_attempts=2)],
        )
