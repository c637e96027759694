"""The IAM contract's own parts: what a call needs, and how a role's policies answer (no synth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.deploy.assembly import CloudAssembly, DeployedFunction
from tests.deploy.iam import RolePolicies, UnsupportedPolicyError
from tests.deploy.recorder import LOCAL_API, permissions

TABLE = "arn:aws:dynamodb:ap-northeast-2:123456789012:table/portal-dev-cache"


def role(*statements: dict[str, Any]) -> RolePolicies:
    function = DeployedFunction("Stack", "Fn", "sweep", {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}, None, ())
    return RolePolicies(function, [{"Version": "2012-10-17", "Statement": list(statements)}])


def allow(action: str, resource: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def test_a_wildcard_grant_allows_the_calls_it_covers() -> None:
    # Given a role that may read any item of one table
    policies = role(allow("dynamodb:Get*", TABLE))

    # Then GetItem there is allowed, on another table it is not
    assert policies.allows("dynamodb:GetItem", TABLE)
    assert not policies.allows("dynamodb:GetItem", TABLE.replace("cache", "stream"))


def test_an_explicit_deny_wins_over_an_allow() -> None:
    # Given a role that allows every DynamoDB action but denies deletes
    policies = role(
        allow("dynamodb:*", "*"), {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": "*"}
    )

    # Then a delete is refused
    assert not policies.allows("dynamodb:DeleteItem", TABLE)


def test_a_statement_with_a_condition_fails_loudly() -> None:
    # Given a grant that holds only under a condition this checker does not evaluate
    conditional = {**allow("dynamodb:Query", TABLE), "Condition": {"ForAllValues:StringEquals": {"a": "b"}}}

    # When its role is read, Then it refuses to guess
    with pytest.raises(UnsupportedPolicyError, match="Condition"):
        role(conditional)


def test_a_query_on_an_index_needs_the_index_arn() -> None:
    # Given a Query through a GSI
    # When its permission is derived
    needed = permissions("dynamodb", "Query", {"TableName": "t", "IndexName": "by_user"}, None)

    # Then IAM evaluates it on the index
    assert needed == [
        ("dynamodb:Query", ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/t/index/by_user"])
    ]


def test_a_data_api_call_also_reads_the_database_secret() -> None:
    # Given an ExecuteStatement
    needed = permissions("rds-data", "ExecuteStatement", {"resourceArn": "arn:c", "secretArn": "arn:s"}, None)

    # Then the caller needs the statement on the cluster and the secret's value
    assert needed == [("rds-data:ExecuteStatement", ["arn:c"]), ("secretsmanager:GetSecretValue", ["arn:s"])]


def test_post_to_connection_is_manage_connections_on_the_stage() -> None:
    # Given a post to a socket through a deployed management endpoint
    url = "https://abc123.execute-api.ap-northeast-2.amazonaws.com/dev/%40connections/xyz%3D"

    # When its permission is derived
    ((action, [resource]),) = permissions("execute-api", "PostToConnection", {"ConnectionId": "xyz="}, url)

    # Then it names the API, stage, method and connection
    assert (action, resource) == (
        "execute-api:ManageConnections",
        "arn:aws:execute-api:ap-northeast-2:123456789012:abc123/dev/POST/@connections/xyz=",
    )


def test_a_local_management_endpoint_is_marked_for_the_deployed_api() -> None:
    # Given the local target's management endpoint
    ((_, [resource]),) = permissions(
        "execute-api", "DeleteConnection", {"ConnectionId": "c"}, "http://127.0.0.1:8000/@connections/c"
    )

    # Then the check can substitute the deployed API and stage
    assert f":{LOCAL_API}/DELETE/@connections/c" in resource


def test_intrinsics_resolve_across_stacks(tmp_path: Path) -> None:
    # Given a consumer stack that reads a producer's output by name (weak references)
    producer = {
        "Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {}}},
        "Outputs": {"O": {"Value": {"Fn::GetAtt": ["T", "Arn"]}}},
    }
    consumer = {"Resources": {}}
    assembly = CloudAssembly(outdir=tmp_path, templates={"Data": producer, "Api": consumer})

    # When the consumer's value is resolved
    value = assembly.resolve(
        "Api",
        {"Fn::Join": ["", [{"Fn::GetStackOutput": {"StackName": "Data", "OutputName": "O"}}, "/index/*"]]},
    )

    # Then it is the producer table's concrete ARN
    assert value == "arn:aws:dynamodb:ap-northeast-2:123456789012:table/data-t/index/*"
