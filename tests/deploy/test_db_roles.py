"""Who each deployed function is in the database: the app role for all but migrate.

Read from the synthesized app with every intrinsic resolved (the same ARNs the functions are
given), and each role's policies evaluated as IAM would: a function names exactly one database
secret, and of the database secrets its role can read only that one. Then, through the deployed
Data API, the app secret's user is refused DDL (migrate giving it its login:
test_functions_start.py).
"""

from __future__ import annotations

import json

import pytest
from portal.db.app_role import APP_ROLE

from tests.deploy.assembly import CloudAssembly
from tests.deploy.iam import RolePolicies
from tests.deploy.scenarios import Deployment

READ_SECRET = "secretsmanager:GetSecretValue"
DATA_API = ("rds-data:ExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction")


def _database_secrets(assembly: CloudAssembly) -> tuple[str, str, str]:
    """(cluster ARN, admin secret ARN, app secret ARN): the secrets attached to the cluster."""
    [(stack, logical, cluster)] = assembly.resources("AWS::RDS::DBCluster")
    usernames = {}
    for s, _, attachment in assembly.resources("AWS::SecretsManager::SecretTargetAttachment"):
        if s == stack and attachment["Properties"]["TargetId"] == {"Ref": logical}:
            secret_id = attachment["Properties"]["SecretId"]
            generate = assembly.resource(stack, secret_id["Ref"])["Properties"]["GenerateSecretString"]
            template = json.loads(str(assembly.resolve(stack, generate["SecretStringTemplate"])))
            usernames[assembly.resolve(stack, secret_id)] = template["username"]
    # The admin secret is the master user's; the app secret is the role of migration 0010
    [admin] = [arn for arn, user in usernames.items() if user == cluster["Properties"]["MasterUsername"]]
    [app] = [arn for arn, user in usernames.items() if user == APP_ROLE]
    assert len(usernames) == 2, usernames
    return assembly.resolve(stack, {"Fn::GetAtt": [logical, "Arn"]}), admin, app


def test_every_function_but_migrate_uses_the_app_secret_and_can_read_no_other(
    assembly: CloudAssembly,
) -> None:
    cluster, admin, app = _database_secrets(assembly)
    users = 0
    without_database: set[str] = set()
    for name, fn in assembly.portal_functions.items():
        env = {k: str(v) for k, v in assembly.resolve(fn.stack, fn.raw_environment).items()}
        policies = RolePolicies.of(assembly, fn)
        readable = {secret for secret in (admin, app) if policies.allows(READ_SECRET, secret)}
        if "PORTAL_DB_SECRET_ARN" not in env:
            # A function without the database reads neither secret
            assert not readable, f"{name} has no database but may read {readable}"
            without_database.add(name)
            continue
        users += 1
        assert env["PORTAL_DB_CLUSTER_ARN"] == cluster, name
        assert all(policies.allows(action, cluster) for action in DATA_API), f"{name}: no Data API"
        if name == "migrate":
            # migrate: DDL as the admin, and the app secret only to give the role its password
            assert env["PORTAL_DB_SECRET_ARN"] == admin
            assert env["PORTAL_DB_APP_SECRET_ARN"] == app
            assert readable == {admin, app}
        else:
            # every other function: the app role's secret, and the admin secret out of reach
            assert env["PORTAL_DB_SECRET_ARN"] == app, f"{name} signs in as {env['PORTAL_DB_SECRET_ARN']}"
            assert "PORTAL_DB_APP_SECRET_ARN" not in env, name
            assert readable == {app}, f"{name} may read {readable}"
    # The API, WebSocket, every agent task, ingest, sweep and migrate; only the MCP connection
    # probe (it gets the servers to try from the API, and lists their tools) has no database
    assert without_database == {"mcp_probe"}
    assert users == len(assembly.portal_functions) - 1 >= 5


@pytest.mark.starts("api")
def test_the_deployed_api_runs_as_the_app_role_which_the_data_api_refuses_ddl(deployment: Deployment) -> None:
    # Given the api function's database environment
    env = deployment.environment("api")
    data_api = deployment.world.data_api
    assert data_api is not None
    request = {
        "resourceArn": env["PORTAL_DB_CLUSTER_ARN"],
        "secretArn": env["PORTAL_DB_SECRET_ARN"],
        "database": env["PORTAL_DB_NAME"],
    }

    # When a request signs in with its secret
    _, who = data_api.answer("ExecuteStatement", {**request, "sql": "SELECT current_user AS who"})
    # Then it is the app role
    assert who["records"] == [[{"stringValue": "portal_app"}]]
    # And the Data API refuses it DDL and role management
    for sql in ("DROP TABLE users", "ALTER TABLE users ADD COLUMN x text", "CREATE ROLE x", "TRUNCATE users"):
        _, refused = data_api.answer("ExecuteStatement", {**request, "sql": sql})
        assert refused["Error"]["Code"] == "BadRequestException", sql
        assert (
            "permission denied" in refused["Error"]["Message"] or "must be" in refused["Error"]["Message"]
        ), sql
    # While a signed-in request works as the app role (rows of the users table)
    status, me = deployment.rest("GET", "/api/me")
    assert status == 200, me
