"""Every portal function starts with the environment, code and layers its template gives it.

Each test starts one function from cdk.out (see lambda_runtime.py) against moto resources made
from the same templates and answers one representative event. A CDK change that drops a variable
or a grant a function needs fails the test named after that function.
"""

from __future__ import annotations

import json
import uuid

import boto3
import psycopg
import pytest

from infra.functions import ALL_FUNCTIONS, WORKERS
from tests.deploy.assembly import REGION, CloudAssembly
from tests.deploy.report import REPORT
from tests.deploy.scenarios import (
    EMPNO,
    Deployment,
    s3_object_created,
    scheduled_event,
    trigger_event,
)

# Functions CDK adds for its own constructs: not portal code, so not started here.
CDK_HELPER_HANDLERS = {"__entrypoint__.handler", "index.handler"}


def test_every_portal_function_is_in_the_synthesized_app(assembly: CloudAssembly) -> None:
    # Given infra/functions.py, the one list of functions
    # When the app is synthesized
    # Then each of them is a Lambda function of some stack
    assert sorted(assembly.portal_functions) == sorted(spec.name for spec in ALL_FUNCTIONS)


def test_every_other_function_is_a_cdk_helper(assembly: CloudAssembly) -> None:
    # Given the functions that are not the portal's
    others = [fn for fn in assembly.functions if fn.spec_name is None]

    # Then each is one of CDK's own providers (out of scope: their code is CDK's, not ours)
    assert all(fn.handler in CDK_HELPER_HANDLERS for fn in others), [(fn.key, fn.handler) for fn in others]
    REPORT.out_of_scope = [fn.key for fn in others]


@pytest.mark.starts("api")
def test_api_answers_ready_with_postgres_and_every_table(deployment: Deployment) -> None:
    # Given the api function with its synthesized environment
    # When API Gateway sends GET /api/ready
    status, body = deployment.rest("GET", "/api/ready", auth=False)

    # Then it reached Aurora (Data API) and every DynamoDB table it was told about
    assert status == 200, body


@pytest.mark.starts("api")
def test_api_starts_a_chat_turn_on_the_deployed_state_machine(deployment: Deployment) -> None:
    # Given a signed-in user
    # When they post a message
    turn = deployment.start_turn()

    # Then the chat execution got the turn
    assert turn["empno"] == EMPNO and turn["turn_id"]


@pytest.mark.starts("api")
def test_api_hands_out_an_upload_for_a_file(deployment: Deployment) -> None:
    # Given a signed-in user
    # When they ask to upload a file
    status, body = deployment.rest(
        "POST", "/api/files", {"name": "memo.txt", "size": 20, "type": "text/plain"}
    )

    # Then they get a presigned POST to the deployed bucket
    assert status == 201, body
    assert body["upload"]["fields"]["key"].startswith(f"uploads/{EMPNO}/")


@pytest.mark.starts("ws")
def test_ws_accepts_a_connection_and_answers_ping(deployment: Deployment) -> None:
    # Given a socket connecting with a valid token
    connection = uuid.uuid4().hex[:12] + "="
    connected = deployment.web_socket(
        "$connect", connection, queryStringParameters={"token": deployment.bearer_token()}
    )
    assert connected["statusCode"] == 200, connected

    # When it sends ping
    answered = deployment.web_socket("$default", connection, body='{"action": "ping"}')

    # Then the function answered through the management API, and forgets the socket on close
    assert answered.get("statusCode", 200) == 200, answered
    assert deployment.web_socket("$disconnect", connection).get("statusCode", 200) == 200


@pytest.mark.starts("supervisor")
def test_supervisor_routes_a_turn_the_api_started(deployment: Deployment) -> None:
    # Given a turn started through the api
    turn = deployment.start_turn()

    # When the chat state machine's first task runs
    route = deployment.invoke("supervisor", turn)

    # Then it picked a worker the Choice state knows
    assert route["agent"] in WORKERS


def starting(*names: str) -> list[object]:
    """Parameters that each start the function of that name (the report's 'starts' column)."""
    return [pytest.param(name, marks=pytest.mark.starts(name), id=name) for name in names]


@pytest.mark.parametrize("name", starting(*(f"worker_{w}" for w in WORKERS)))
def test_worker_answers_a_routed_turn(deployment: Deployment, name: str) -> None:
    # Given a turn the supervisor routed to this worker
    turn = deployment.routed_turn(name.removeprefix("worker_"))

    # When the worker task runs
    result = deployment.invoke(name, turn)

    # Then it stored an answer
    assert result["message_id"], result


@pytest.mark.parametrize(
    "name", starting("research_plan", "research_search", "research_gaps", "research_synthesize")
)
def test_research_step_runs_on_the_state_the_workflow_gives_it(deployment: Deployment, name: str) -> None:
    # Given the research workflow's state before this step (from the deployed deep_research worker)
    state = deployment.research_state(name.removeprefix("research_"))

    # When the step runs
    result = deployment.invoke(name, state)

    # Then it returned the state's next part
    assert result is not None


@pytest.mark.starts("failure")
def test_failure_marks_a_failed_turn(deployment: Deployment) -> None:
    # Given a turn whose worker failed
    turn = deployment.routed_turn("general")
    failed = {**turn, "error": {"Error": "States.TaskFailed", "Cause": "worker crashed"}}

    # When the Catch runs the failure handler
    result = deployment.invoke("failure", failed)

    # Then it handled the turn
    assert result is not None


@pytest.mark.starts("ingest")
def test_ingest_processes_an_uploaded_file(deployment: Deployment) -> None:
    # Given a file the api accepted and its bytes in the deployed bucket
    content = "출장비 규정: 숙박비는 1박 15만원까지 지급한다.\n".encode()
    status, body = deployment.rest(
        "POST", "/api/files", {"name": "policy.txt", "size": len(content), "type": "text/plain"}
    )
    assert status == 201, body
    bucket, key = deployment.environment("api")["PORTAL_UPLOADS_BUCKET"], body["upload"]["fields"]["key"]
    etag = boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=content)["ETag"]

    # When S3 notifies the ingest function
    deployment.invoke("ingest", s3_object_created(bucket, key, len(content), etag.strip('"')))

    # Then the file is indexed
    status, file = deployment.rest("GET", f"/api/files/{body['file']['id']}")
    assert file["status"] == "completed", file


@pytest.mark.starts("migrate")
def test_migrate_applies_every_migration_and_gives_the_app_role_its_secrets_password(
    deployment: Deployment, pg_server
) -> None:
    # Given an empty database behind the deployed cluster, and the app role's stored password
    name = f"m_{uuid.uuid4().hex[:12]}"
    pg_server.psql(f'CREATE DATABASE "{name}";')
    deployment.world.serve_database(pg_server.get_uri(name))
    password_of_app_role = "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = 'portal_app'"
    with psycopg.connect(pg_server.get_uri("postgres"), autocommit=True) as conn:
        before = conn.execute(password_of_app_role).fetchone()

    # When the deploy's trigger runs the migrate function
    result = deployment.invoke("migrate", trigger_event())

    # Then every migration was applied
    assert result["applied"], result
    # And the app role (0010) may log in with a password set from the app secret: a new SCRAM
    # verifier, never the clear text (tests/security/test_app_role.py signs in with it)
    assert result["app_role"] == "portal_app", result
    with psycopg.connect(pg_server.get_uri("postgres"), autocommit=True) as conn:
        can_login, verifier = conn.execute(password_of_app_role).fetchone() or (False, None)
    assert can_login and verifier and verifier.startswith("SCRAM-SHA-256$4096:")
    assert before is None or verifier != before[1]
    app_secret = json.loads(
        deployment.world.secret_values[deployment.environment("migrate")["PORTAL_DB_APP_SECRET_ARN"]]
    )
    assert app_secret["password"] not in verifier


@pytest.mark.starts("sweep")
def test_sweep_removes_an_expired_cache_entry_on_its_schedule(deployment: Deployment) -> None:
    # Given an expired entry in the deployed cache table
    table = next(t for t in deployment.assembly.resources("AWS::DynamoDB::Table") if "Cache" in t[1])
    name = deployment.assembly.resolve(table[0], {"Ref": table[1]})
    boto3.resource("dynamodb", region_name=REGION).Table(name).put_item(
        Item={"pk": "models:E1001", "sk": "entry", "data": "[]", "expires_at": 1, "ttl": 1}
    )

    # When EventBridge invokes the sweep
    result = deployment.invoke("sweep", scheduled_event(f"arn:aws:events:{REGION}:123456789012:rule/sweep"))

    # Then the sweep found and removed it (the cache only logs an unreachable table)
    assert result["cache_entries_removed"] == 1, result
