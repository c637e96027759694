"""Observability: the dashboard and the alarms (5xx, failed executions, dead letters)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Stack
from constructs import Construct

from infra.components.alarms import PortalAlarms
from infra.components.dashboard import DashboardSources, PortalDashboard
from infra.config import PortalConfig
from infra.stacks.agents_stack import AgentsStack
from infra.stacks.api_stack import ApiStack
from infra.stacks.data_stack import DataStack
from infra.stacks.ingest_stack import IngestStack
from infra.stacks.realtime_stack import RealtimeStack


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        data: DataStack,
        realtime: RealtimeStack,
        agents: AgentsStack,
        api: ApiStack,
        ingest: IngestStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        functions = {
            "api": api.function,
            "mcp_probe": api.mcp_probe,
            "ws": realtime.ws_function,
            "sweep": realtime.maintenance.function,
            "ingest": ingest.function,
            "migrate": data.migrations.function,
            **{fn.spec.name: fn for fn in agents.functions.values()},
        }
        sources = DashboardSources(
            rest_api=api.rest_api.api,
            rest_stage=config.stage,
            web_socket_api=realtime.web_socket.api,
            web_socket_stage=config.stage,
            state_machines={name: wf.state_machine for name, wf in agents.workflows.items()},
            functions={name: fn.function for name, fn in functions.items()},
            dead_letter_queues={"ingest": ingest.pipeline.dead_letters},
        )
        self.dashboard = PortalDashboard(self, "Dashboard", sources=sources, stage=config.stage)
        self.alarms = PortalAlarms(self, "Alarms", sources=sources, config=config)
        CfnOutput(
            self,
            "DashboardUrl",
            value=f"https://{Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region={Aws.REGION}"
            f"#dashboards:name={self.dashboard.dashboard.dashboard_name}",
        )
        CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic.topic_arn)
