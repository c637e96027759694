"""Least privilege: no wildcard actions, '*' resources only where AWS allows nothing narrower."""

from __future__ import annotations

import json

import pytest

from infra.functions import AGENT_TASKS
from tests.infra.helpers import (
    Synthesized,
    actions,
    all_actions,
    resources,
    resources_of,
    statements_of_function,
)

pytestmark = pytest.mark.infra

# Actions that have no resource-level permissions, so IAM requires Resource "*".
STAR_RESOURCE_ALLOWED = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    # Step Functions log delivery
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    # CDK's deploy-time helpers: BucketDeployment invalidation, bucket notifications
    "cloudfront:CreateInvalidation",
    "cloudfront:GetInvalidation",
    "s3:PutBucketNotification",
}


def all_statements(portal: Synthesized) -> list[tuple[str, str, dict]]:
    found = []
    for stack, template in portal.all_json().items():
        for logical_id, policy in resources(template, "AWS::IAM::Policy").items():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                found.append((stack, logical_id, statement))
        for logical_id, role in resources(template, "AWS::IAM::Role").items():
            for inline in role["Properties"].get("Policies", []):
                for statement in inline["PolicyDocument"]["Statement"]:
                    found.append((stack, logical_id, statement))
    return found


def test_no_statement_allows_every_action_of_a_service(portal: Synthesized) -> None:
    for stack, policy, statement in all_statements(portal):
        for action in actions(statement):
            assert action != "*" and not action.endswith(":*"), f"{stack}/{policy} allows {action}"


def test_star_resources_only_for_actions_without_resource_level_permissions(portal: Synthesized) -> None:
    for stack, policy, statement in all_statements(portal):
        if "*" in resources_of(statement):
            extra = set(actions(statement)) - STAR_RESOURCE_ALLOWED
            assert not extra, f"{stack}/{policy} grants {sorted(extra)} on '*'"


PORTAL_FUNCTIONS = [
    ("api", "handler.handler"),
    ("realtime", "handler.handler"),
    ("realtime", "sweep.handler"),
    ("ingest", "handler.handler"),
    ("data", "migrate.handler"),
    *(("agents", spec.handler) for spec in AGENT_TASKS),
]


@pytest.mark.parametrize(("stack", "handler"), PORTAL_FUNCTIONS)
def test_portal_functions_have_no_wildcard_actions_on_data(
    portal: Synthesized, stack: str, handler: str
) -> None:
    for action in all_actions(statements_of_function(portal.json(stack), handler)):
        assert "*" not in action, f"{stack} {handler} has {action}"


EXPECTED_SERVICES = {
    ("api", "handler.handler"): {
        "logs",
        "xray",
        "rds-data",
        "secretsmanager",
        "dynamodb",
        "s3",
        "states",
        "execute-api",
        "lambda",  # invokes mcp_probe for an admin's MCP connection test (and nothing else)
    },
    # An admin's MCP connection test: it connects out to MCP servers and reaches no AWS data.
    ("api", "probe.handler"): {"logs", "xray"},
    ("realtime", "handler.handler"): {
        "logs",
        "xray",
        "rds-data",
        "secretsmanager",
        "dynamodb",
        "execute-api",
    },
    # rds-data: it records overdue turns as failed (it reaches Aurora only when one exists).
    ("realtime", "sweep.handler"): {"logs", "xray", "dynamodb", "execute-api", "rds-data", "secretsmanager"},
    ("ingest", "handler.handler"): {
        "logs",
        "xray",
        "rds-data",
        "secretsmanager",
        "dynamodb",
        "s3",
        "bedrock",
        "sqs",
        "execute-api",
    },
    ("data", "migrate.handler"): {"logs", "xray", "rds-data", "secretsmanager"},
    **{
        ("agents", spec.handler): {
            "logs",
            "xray",
            "rds-data",
            "secretsmanager",
            "dynamodb",
            "s3",
            "execute-api",
            "bedrock",
        }
        for spec in AGENT_TASKS
    },
    # deep_research starts the research workflow.
    ("agents", "deep_research.handler"): {
        "logs",
        "xray",
        "rds-data",
        "secretsmanager",
        "dynamodb",
        "s3",
        "execute-api",
        "bedrock",
        "states",
    },
}


@pytest.mark.parametrize(("stack", "handler"), sorted(EXPECTED_SERVICES))
def test_each_function_reaches_only_the_services_it_needs(
    portal: Synthesized, stack: str, handler: str
) -> None:
    services = {a.split(":")[0] for a in all_actions(statements_of_function(portal.json(stack), handler))}
    assert services == EXPECTED_SERVICES[(stack, handler)]


def test_agents_may_delete_connections_but_not_write_them(portal: Synthesized) -> None:
    statements = statements_of_function(portal.json("agents"), AGENT_TASKS[0].handler)
    on_connections = [s for s in statements if "TablesConnections" in json.dumps(s["Resource"])]
    granted = {a for s in on_connections for a in actions(s)}
    assert "dynamodb:DeleteItem" in granted and "dynamodb:Query" in granted
    assert not granted & {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}


def test_the_api_may_finish_a_turns_stream(portal: Synthesized) -> None:
    # Listing a conversation repairs an overdue turn (portal.agents.overdue): the failure's
    # closing `error` event goes onto the turn's stream, as the failure handler writes it.
    statements = statements_of_function(portal.json("api"), "handler.handler")
    on_stream = [s for s in statements if "TablesStream" in json.dumps(s["Resource"])]
    granted = {a for s in on_stream for a in actions(s)}
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"} <= granted
