"""Agents: the task functions and one state machine per ASL file in statemachines/."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from portal.tables import CACHE, CONNECTIONS, IDEMPOTENCY, STREAM

from infra.bundling import LayerBuilder
from infra.components.bedrock_access import grant_model_invocation
from infra.components.execution_status import ExecutionEndedRule
from infra.components.layers import PortalLayers
from infra.components.portal_function import PortalFunction
from infra.components.tables import Access
from infra.components.workflow import PortalWorkflow
from infra.config import PortalConfig
from infra.functions import AGENT_TASKS, RESEARCH_STEPS
from infra.stacks.data_stack import DataStack
from infra.stacks.realtime_stack import RealtimeStack
from infra.workflows import discover


class AgentsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        builder: LayerBuilder,
        data: DataStack,
        realtime: RealtimeStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        layers = PortalLayers(self, "Layers", builder=builder)
        self.functions: dict[str, PortalFunction] = {}
        for spec in AGENT_TASKS:
            fn = PortalFunction(
                self, spec.name.title().replace("_", ""), spec=spec, layers=layers, config=config
            )
            data.database.grant_data_api(fn)
            data.tables.grant(fn, CONNECTIONS, Access.READ_DELETE)
            data.tables.grant(fn, STREAM, Access.READ_WRITE)
            data.tables.grant(fn, CACHE, Access.READ_WRITE)
            data.tables.grant(fn, IDEMPOTENCY, Access.READ_WRITE)
            data.uploads.grant_read(fn)
            if spec in RESEARCH_STEPS:
                data.uploads.grant_research_scratch(fn)
            data.secrets.grant_provider_keys(fn)
            realtime.web_socket.grant_post_to_connections(fn)
            grant_model_invocation(fn, config)
            assert spec.substitution  # every agent task is referenced from an ASL file
            self.functions[spec.substitution] = fn
        if data.vectors:
            data.vectors.grant_index_access(self, "AgentsVectors", list(self.functions.values()))

        self.workflows = {
            wf.name: PortalWorkflow(
                self, f"{wf.name.title()}Workflow", workflow=wf, functions=self.functions, config=config
            )
            for wf in discover()
        }
        if "chat" not in self.workflows:
            raise FileNotFoundError("statemachines/chat.asl.json is missing: the chat turn cannot run")
        if "research" in self.workflows:
            # A deep_research chat turn starts the research workflow, which stores the report.
            self.workflows["research"].grant_start(self.functions["DeepResearchWorkerFunctionArn"])
        for name, wf in self.workflows.items():
            CfnOutput(self, f"{name.title()}StateMachineArn", value=wf.arn)
            if wf.workflow.type == sfn.StateMachineType.STANDARD:
                ExecutionEndedRule(
                    self,
                    f"{name.title()}ExecutionEnded",
                    state_machine=wf.state_machine,
                    handler=self.functions["FailureHandlerFunctionArn"],
                )
