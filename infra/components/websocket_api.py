"""The WebSocket API: $connect, $disconnect and $default to one function, and a logged, throttled stage."""

from __future__ import annotations

import json
import re

import jsii
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.components.defaults import log_group
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import ref_pattern, suppress, suppress_grant_wildcard

ROUTES = ("$connect", "$disconnect", "$default")


def access_log_format() -> apigw.AccessLogFormat:
    """JSON access log lines of the REST stage ($context.resourcePath exists only there)."""
    f = apigw.AccessLogField
    return apigw.AccessLogFormat.custom(
        json.dumps(
            {
                "requestId": f.context_request_id(),
                "ip": f.context_identity_source_ip(),
                "requestTime": f.context_request_time(),
                "routeOrPath": f.context_resource_path(),
                "status": f.context_status(),
                "integrationLatency": f.context_integration_latency(),
                "error": f.context_error_message(),
            }
        )
    )


def websocket_access_log_format() -> apigw.AccessLogFormat:
    """JSON access log lines of the WebSocket stage, from the variables WebSocket APIs support.

    API Gateway rejects a stage whose format names a variable its API type lacks (REST's
    $context.resourcePath, $context.httpMethod...); see the "Configure logging for WebSocket
    APIs" page of the API Gateway guide for the list.
    """
    return apigw.AccessLogFormat.custom(
        json.dumps(
            {
                "requestId": "$context.requestId",
                "ip": "$context.identity.sourceIp",
                "requestTime": "$context.requestTime",
                "routeKey": "$context.routeKey",
                "eventType": "$context.eventType",
                "connectionId": "$context.connectionId",
                "status": "$context.status",
                "integrationLatency": "$context.integrationLatency",
                "error": "$context.error.message",
            }
        )
    )


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    """apigatewayv2 takes access-log settings as an interface only (no struct class)."""

    def __init__(self, group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return websocket_access_log_format()


class WebSocketApi(Construct):
    """The ws function dispatches on routeKey; its $connect verifies the token itself."""

    def __init__(self, scope: Construct, id: str, *, handler: PortalFunction, config: PortalConfig) -> None:
        super().__init__(scope, id)

        def route(name: str) -> apigwv2.WebSocketRouteOptions:
            return apigwv2.WebSocketRouteOptions(
                integration=integrations.WebSocketLambdaIntegration(f"{name}Integration", handler.function)
            )

        self.api = apigwv2.WebSocketApi(
            self,
            "Api",
            api_name=f"portal-{config.stage}-ws",
            description="ai-portal streaming: token batches, presence, replay",
            connect_route_options=route("Connect"),
            disconnect_route_options=route("Disconnect"),
            default_route_options=route("Default"),
        )
        self.log_group = log_group(self, "AccessLogs", config)
        self.stage = apigwv2.WebSocketStage(
            self,
            "Stage",
            web_socket_api=self.api,
            stage_name=config.stage,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=config.api_throttle_rate, burst_limit=config.api_throttle_burst
            ),
            access_log_settings=_AccessLogSettings(self.log_group),
        )
        for route_key in ROUTES:
            # The route construct has two children named like default ones; address its CfnRoute.
            suppress(
                self.api.node.find_child(f"{route_key}-Route").node.find_child("Resource"),
                "AwsSolutions-APIG4",
                "The ws function authenticates $connect with the portal's RS256 token check (issuer "
                "JWKS, audience) and refuses the upgrade; $disconnect/$default only serve connections "
                "it accepted, and close them when the token expires.",
                children=False,
            )

    @property
    def url(self) -> str:
        """wss://… for browsers."""
        return self.stage.url

    @property
    def management_endpoint(self) -> str:
        """https://{apiId}.execute-api.{region}.amazonaws.com/{stage} for post_to_connection."""
        return self.stage.callback_url

    def grant_post_to_connections(self, fn: PortalFunction) -> None:
        """ManageConnections on this stage only, and where to send."""
        self.stage.grant_management_api_access(fn.function)
        suppress_grant_wildcard(
            fn.role,
            re.escape("arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:")
            + ref_pattern(self.api, attribute=None)
            + re.escape(f"/{self.stage.stage_name}/*/@connections/*"),
            "Connection ids are created per socket at run time; the grant covers the @connections "
            "management API of this WebSocket API's stage only.",
        )
        fn.add_environment(PORTAL_WS_MANAGEMENT_ENDPOINT=self.management_endpoint)
