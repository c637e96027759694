"""Api stack: the REST API proxies every path to the FastAPI function, throttled and logged."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from tests.infra.helpers import Synthesized, actions, function_by_handler, resources, statements_of_function

pytestmark = pytest.mark.infra


def test_every_method_integrates_with_the_api_function(portal: Synthesized) -> None:
    template = portal.json("api")
    api_id, _ = function_by_handler(template, "handler.handler")
    methods = resources(template, "AWS::ApiGateway::Method")
    assert {m["Properties"]["HttpMethod"] for m in methods.values()} == {"ANY"}
    assert len(methods) == 2  # / and /{proxy+}
    for method in methods.values():
        integration = method["Properties"]["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        assert api_id in json.dumps(integration["Uri"])
    portal.template("api").has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "{proxy+}"})


def test_stage_throttles_logs_and_traces(portal: Synthesized) -> None:
    portal.template("api").has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "dev",
            "TracingEnabled": True,
            "AccessLogSetting": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp("requestId"),
            },
            "MethodSettings": [
                Match.object_like(
                    {
                        "ThrottlingRateLimit": 50,
                        "ThrottlingBurstLimit": 100,
                        "LoggingLevel": "ERROR",
                        "HttpMethod": "*",
                        "ResourcePath": "/*",
                    }
                )
            ],
        },
    )
    portal.template("api").has_resource_properties(
        "AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["REGIONAL"]}}
    )


def test_api_function_is_told_where_everything_is(portal: Synthesized) -> None:
    _, fn = function_by_handler(portal.json("api"), "handler.handler")
    env = fn["Properties"]["Environment"]["Variables"]
    for name in (
        "PORTAL_DB_CLUSTER_ARN",
        "PORTAL_DB_SECRET_ARN",
        "PORTAL_CONNECTIONS_TABLE",
        "PORTAL_CACHE_TABLE",
        "PORTAL_RATE_LIMIT_TABLE",
        "PORTAL_IDEMPOTENCY_TABLE",
        "PORTAL_STREAM_TABLE",
        "PORTAL_UPLOADS_BUCKET",
        "PORTAL_CHAT_STATE_MACHINE_ARN",
        "PORTAL_PROVIDER_KEYS_SECRET_ARN",
    ):
        assert name in env, name
    assert env["PORTAL_ENVIRONMENT"] == "aws"
    assert env["PORTAL_DB_NAME"] == "portal"
    assert json.loads(env["PORTAL_CORS_ORIGINS"]) == []
    assert env["POWERTOOLS_SERVICE_NAME"] == "ai-portal"
    assert "PORTAL_WS_MANAGEMENT_ENDPOINT" in env  # workspace broadcasts (artifact.updated, ...)


def test_api_may_start_the_chat_machine_but_not_wait_on_it_synchronously(portal: Synthesized) -> None:
    statements = statements_of_function(portal.json("api"), "handler.handler")
    starts = [s for s in statements if any(a.startswith("states:") for a in actions(s))]
    chat = [s for s in starts if "ChatWorkflow" in json.dumps(s["Resource"])]
    # StartSyncExecution would hold the API past API Gateway's 29 s (see portal/agents/waiting.py).
    assert chat and set(actions(chat[0])) == {"states:StartExecution"}


def test_api_presigns_only_under_the_uploads_prefix(portal: Synthesized) -> None:
    statements = statements_of_function(portal.json("api"), "handler.handler")
    s3 = [s for s in statements if any(a.startswith("s3:") for a in actions(s))]
    assert len(s3) == 1
    assert set(actions(s3[0])) == {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}
    assert json.dumps(s3[0]["Resource"]).endswith('"/uploads/*"]]}')


def test_the_api_runs_mcp_connection_tests_in_the_probe_function(portal: Synthesized) -> None:
    """The API carries no MCP SDK: it invokes mcp_probe (which does) and only that function."""
    template = portal.json("api")
    probe_id, probe = function_by_handler(template, "probe.handler")
    _, api = function_by_handler(template, "handler.handler")
    assert api["Properties"]["Environment"]["Variables"]["PORTAL_MCP_PROBE_FUNCTION"] == {"Ref": probe_id}
    assert probe["Properties"]["Timeout"] < 29  # answers before API Gateway gives up
    invokes = [
        s
        for s in statements_of_function(template, "handler.handler")
        if "lambda:InvokeFunction" in actions(s)
    ]
    assert len(invokes) == 1
    assert invokes[0]["Resource"] == {"Fn::GetAtt": [probe_id, "Arn"]}
    layers = json.dumps(probe["Properties"]["Layers"])
    assert len(probe["Properties"]["Layers"]) == 4, layers  # core, models (httpx2), agents (mcp), portal
