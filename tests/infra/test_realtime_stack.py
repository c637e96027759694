"""Realtime stack: WebSocket routes to the ws function, a logged and throttled stage, the sweep."""

from __future__ import annotations

import json
import re

import pytest
from aws_cdk.assertions import Match

from infra.components.websocket_api import ROUTES
from tests.infra.helpers import Synthesized, actions, function_by_handler, resources, statements_of_function

pytestmark = pytest.mark.infra


def test_every_route_reaches_the_ws_function(portal: Synthesized) -> None:
    # Given the realtime template
    template = portal.json("realtime")
    ws_id, _ = function_by_handler(template, "handler.handler")
    integrations = resources(template, "AWS::ApiGatewayV2::Integration")
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    # Then $connect, $disconnect and $default exist
    assert set(routes) == set(ROUTES)
    for key, route in routes.items():
        # and each targets an integration whose URI is the ws function
        integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
        uri = integrations[integration_id]["Properties"]["IntegrationUri"]
        assert ws_id in str(uri), f"{key} does not reach the ws function"


def test_api_gateway_may_invoke_the_ws_function_for_each_route(portal: Synthesized) -> None:
    template = portal.json("realtime")
    ws_id, _ = function_by_handler(template, "handler.handler")
    permissions = [
        p
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
        and ws_id in str(p["Properties"]["FunctionName"])
    ]
    assert len(permissions) == len(ROUTES)


def test_stage_is_throttled_and_access_logged(portal: Synthesized) -> None:
    portal.template("realtime").has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "dev",
            "AutoDeploy": True,
            "DefaultRouteSettings": {"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100},
            "AccessLogSettings": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp("requestId"),
            },
        },
    )
    # The account-level CloudWatch role stage logging needs
    portal.template("realtime").resource_count_is("AWS::ApiGateway::Account", 1)


# The variables API Gateway documents for WebSocket access logs ("Configure logging for
# WebSocket APIs in API Gateway"); REST-only ones such as $context.resourcePath are rejected.
WEBSOCKET_LOG_VARIABLES = {
    "$context.apiId",
    "$context.awsEndpointRequestId",
    "$context.connectedAt",
    "$context.connectionId",
    "$context.domainName",
    "$context.error.message",
    "$context.error.messageString",
    "$context.error.responseType",
    "$context.eventType",
    "$context.extendedRequestId",
    "$context.identity.sourceIp",
    "$context.identity.userAgent",
    "$context.integrationLatency",
    "$context.integrationStatus",
    "$context.messageId",
    "$context.requestId",
    "$context.requestTime",
    "$context.requestTimeEpoch",
    "$context.routeKey",
    "$context.stage",
    "$context.status",
}


def test_websocket_access_log_format_uses_only_websocket_variables(portal: Synthesized) -> None:
    # Given the WebSocket stage as synthesized
    (stage,) = resources(portal.json("realtime"), "AWS::ApiGatewayV2::Stage").values()
    log_format = stage["Properties"]["AccessLogSettings"]["Format"]

    # When its $context variables are read
    used = set(re.findall(r"\$context\.[A-Za-z0-9_.]+", log_format))

    # Then each is one WebSocket APIs support, and the lines say which route and connection
    assert used and used <= WEBSOCKET_LOG_VARIABLES, used - WEBSOCKET_LOG_VARIABLES
    assert {"$context.routeKey", "$context.connectionId", "$context.status"} <= used
    json.loads(log_format)  # one JSON object per line, as the REST stage's


def test_ws_function_knows_its_management_endpoint_and_may_manage_only_its_connections(
    portal: Synthesized,
) -> None:
    template = portal.json("realtime")
    api_id = next(iter(resources(template, "AWS::ApiGatewayV2::Api")))
    _, ws = function_by_handler(template, "handler.handler")
    endpoint = ws["Properties"]["Environment"]["Variables"]["PORTAL_WS_MANAGEMENT_ENDPOINT"]
    rendered = str(endpoint)
    assert (
        "https://" in rendered and api_id in rendered and ".execute-api." in rendered and "/dev" in rendered
    )
    manage = [
        s
        for s in statements_of_function(template, "handler.handler")
        if "execute-api:ManageConnections" in actions(s)
    ]
    assert len(manage) == 1
    resource = str(manage[0]["Resource"])
    assert api_id in resource and "/dev/*/@connections/*" in resource


def test_sweep_runs_every_5_minutes_and_may_record_overdue_turns(portal: Synthesized) -> None:
    template = portal.json("realtime")
    sweep_id, _ = function_by_handler(template, "sweep.handler")
    portal.template("realtime").has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(5 minutes)",
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [sweep_id, "Arn"]}})],
        },
    )
    granted = {a for s in statements_of_function(template, "sweep.handler") for a in actions(s)}
    # It records overdue turns (tests/unit/test_sweep.py proves it does not touch Aurora otherwise).
    assert "rds-data:ExecuteStatement" in granted
    assert {"dynamodb:Query", "dynamodb:UpdateItem"} <= granted
