"""Realtime: the WebSocket API and its function, the API Gateway logging role, the sweep schedule.

It sits between Data and Agents so that both the agents (who post to sockets) and the
REST API (which starts the agents) can reference it without a cycle.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct
from portal.tables import CACHE, CONNECTIONS, STREAM

from infra.bundling import LayerBuilder
from infra.components.api_gateway_logging import ApiGatewayAccountLogging
from infra.components.identity import SignIn
from infra.components.layers import PortalLayers
from infra.components.maintenance_schedule import MaintenanceSchedule
from infra.components.portal_function import PortalFunction
from infra.components.tables import Access
from infra.components.websocket_api import WebSocketApi
from infra.config import PortalConfig
from infra.functions import WS
from infra.stacks.data_stack import DataStack


class RealtimeStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        builder: LayerBuilder,
        data: DataStack,
        sign_in: SignIn,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        layers = PortalLayers(self, "Layers", builder=builder)
        self.api_logging = ApiGatewayAccountLogging(self, "ApiGatewayLogging")

        self.ws_function = PortalFunction(self, "WsFunction", spec=WS, layers=layers, config=config)
        self.web_socket = WebSocketApi(self, "WebSocket", handler=self.ws_function, config=config)
        # The stage logs through the account role, which must exist first.
        self.web_socket.stage.node.add_dependency(self.api_logging.account)
        ws = self.ws_function
        sign_in.configure(ws)  # $connect and re-auth frames verify tokens
        data.tables.grant(ws, CONNECTIONS, Access.READ_WRITE)
        data.tables.grant(ws, STREAM, Access.READ_WRITE)  # resume: replay, and register for the live rest
        data.tables.grant(ws, CACHE, Access.READ_WRITE)
        data.database.grant_data_api(ws)
        self.web_socket.grant_post_to_connections(ws)

        self.maintenance = MaintenanceSchedule(self, "Maintenance", layers=layers, config=config)
        sweep = self.maintenance.function
        data.tables.grant(sweep, CACHE, Access.READ_WRITE)
        data.tables.grant(sweep, CONNECTIONS, Access.READ_WRITE)
        # Overdue turns: found in STREAM's open_turns index, told over the socket, recorded in Aurora.
        data.tables.grant(sweep, STREAM, Access.READ_WRITE)
        data.database.grant_data_api(sweep)
        self.web_socket.grant_post_to_connections(sweep)

        CfnOutput(self, "WebSocketUrl", value=self.web_socket.url)
