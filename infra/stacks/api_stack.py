"""Api: the REST API and the FastAPI function behind it."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct
from portal.tables import ALL_TABLES

from infra.bundling import LayerBuilder
from infra.components.identity import SignIn
from infra.components.layers import PortalLayers
from infra.components.portal_function import PortalFunction
from infra.components.rest_api import PortalRestApi
from infra.components.tables import Access
from infra.config import PortalConfig
from infra.functions import API, MCP_PROBE
from infra.stacks.agents_stack import AgentsStack
from infra.stacks.data_stack import DataStack
from infra.stacks.realtime_stack import RealtimeStack


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        builder: LayerBuilder,
        data: DataStack,
        realtime: RealtimeStack,
        agents: AgentsStack,
        sign_in: SignIn,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        layers = PortalLayers(self, "Layers", builder=builder)
        environment = {"PORTAL_CORS_ORIGINS": json.dumps(list(config.allowed_origins))}
        if config.models_enabled:
            environment["PORTAL_MODELS_ENABLED"] = json.dumps(list(config.models_enabled))
        self.function = PortalFunction(
            self, "ApiFunction", spec=API, layers=layers, config=config, environment=environment
        )
        fn = self.function
        sign_in.configure(fn)  # issuer, audience, claim names: the token check of every route
        data.database.grant_data_api(fn)
        for spec in ALL_TABLES:
            # STREAM too: listing a conversation repairs an overdue turn (its closing `error` event).
            data.tables.grant(fn, spec, Access.READ_WRITE)
        data.uploads.grant_presign(fn)
        data.secrets.grant_provider_keys(fn)
        for workflow in agents.workflows.values():
            workflow.grant_start(fn)
        if "research" in agents.workflows:
            # Deleting a conversation stops its running research first (portal/agents/completion.py).
            agents.workflows["research"].grant_stop(fn)
        # Workspace changes are broadcast (artifact.updated, message.created, access_revoked).
        realtime.web_socket.grant_post_to_connections(fn)

        # An admin's MCP connection test runs in its own function (the MCP SDK stays out of the
        # API's path); the API invokes it synchronously and waits for the tool list.
        self.mcp_probe = PortalFunction(
            self, "McpProbeFunction", spec=MCP_PROBE, layers=layers, config=config
        )
        # The unqualified function only (grant_invoke would add its versions, ARN:*).
        fn.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.mcp_probe.function_arn])
        )
        fn.add_environment(PORTAL_MCP_PROBE_FUNCTION=self.mcp_probe.function.function_name)

        self.rest_api = PortalRestApi(self, "Rest", handler=fn, config=config)
        CfnOutput(self, "RestApiUrl", value=self.rest_api.url)
