"""AWS on this machine: moto's DynamoDB, S3, IAM, Lambda and Step Functions (real ASL interpreter).

Lambda tasks are dispatched in-process to the handlers in functions/ because moto's Lambda
backend needs Docker. The management API for WebSockets is served by the local server.
moto's DynamoDB writes are made atomic, as DynamoDB's are (see ``_atomic_dynamodb_writes``).
"""

from __future__ import annotations

import functools
import io
import json
import threading
import zipfile
from typing import Any

from portal.local.deployed import deployed_workflows
from portal.local.functions import FUNCTIONS, invoke_json
from portal.settings import Settings
from portal.tables import ALL_TABLES

ACCOUNT_ID = "123456789012"  # moto's default account
LOCAL_ROLE = "portal-local-lambda"

_patched = False


def _dispatch_in_process() -> None:
    """Replace moto's Docker-based Lambda invoke with an in-process call (once per process)."""
    global _patched
    if _patched:
        return
    from moto.awslambda.models import LambdaFunction

    def invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        payload, error = invoke_json(
            self.function_name, body if isinstance(body, bytes | str) else json.dumps(body)
        )
        if error:
            response_headers["x-amz-function-error"] = error
        return payload

    LambdaFunction.invoke = invoke  # type: ignore[method-assign]
    _patched = True


_WRITE_LOCK = threading.RLock()
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


def _atomic_dynamodb_writes() -> None:
    """Serialise moto's DynamoDB writes (once per process).

    DynamoDB checks a ConditionExpression and writes in one atomic step; moto reads the item,
    evaluates the condition and stores in separate Python steps, so two threads can both pass
    ``attribute_not_exists``. Powertools Idempotency relies on that condition to let exactly one
    of two concurrent deliveries of an S3 event run; without this, the local target and the
    tests would run both (seen: a file processed twice, attempts == 2).
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in _WRITES:
        write = getattr(DynamoDBBackend, name)
        if getattr(write, "_portal_atomic", False):
            continue

        @functools.wraps(write)
        def atomic(self: Any, *args: Any, _write: Any = write, **kwargs: Any) -> Any:
            with _WRITE_LOCK:
                return _write(self, *args, **kwargs)

        atomic._portal_atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)


def _zip_placeholder() -> bytes:
    # moto stores code but never runs it (we dispatch in-process); Lambda's API needs a zip.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("README.txt", "handlers run in-process from functions/")
    return buf.getvalue()


def provision(settings: Settings) -> dict[str, str]:
    """Create tables, bucket, functions and the state machines in the active moto mock.

    The state machines are the synthesized ones (portal.local.deployed): their definitions
    with the DefinitionSubstitutions the CDK app gives them, each pointing at the local
    function with the same code directory and handler. Returns the state machine ARNs.
    """
    import boto3

    _dispatch_in_process()
    _atomic_dynamodb_writes()
    region = settings.region
    ddb = boto3.client("dynamodb", region_name=region)
    existing = set(ddb.list_tables()["TableNames"])
    for spec in ALL_TABLES:
        name = spec.table_name(settings)
        if name not in existing:
            ddb.create_table(**spec.create_table_kwargs(name))
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
            )

    s3 = boto3.client("s3", region_name=region)
    if settings.uploads_bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(
            Bucket=settings.uploads_bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )

    iam = boto3.client("iam", region_name=region)
    try:
        role_arn = iam.get_role(RoleName=LOCAL_ROLE)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role_arn = iam.create_role(RoleName=LOCAL_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]

    lam = boto3.client("lambda", region_name=region)
    arns: dict[tuple[str, str], str] = {}
    have = {f["FunctionName"]: f["FunctionArn"] for f in lam.list_functions()["Functions"]}
    for fn in FUNCTIONS:
        arns[(fn.directory, fn.handler)] = (
            have.get(fn.name)
            or lam.create_function(
                FunctionName=fn.name,
                Runtime="python3.12",
                Role=role_arn,
                Handler=fn.handler,
                Code={"ZipFile": _zip_placeholder()},
                Timeout=300,
            )["FunctionArn"]
        )

    from portal.local.uploads import notify_ingest  # uploads/ ObjectCreated -> portal-ingest, as in AWS

    notify_ingest(settings)

    def arn_of(task: Any) -> str:
        key = (task.directory, task.handler)
        if key not in arns:
            raise KeyError(
                f"the synthesized state machines use functions/{key[0]} {key[1]}, which is not deployed"
            )
        return arns[key]

    sfn = boto3.client("stepfunctions", region_name=region)
    machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    created: dict[str, str] = {}
    for name, workflow in deployed_workflows().items():
        local_name = f"portal-{name}"
        created[f"{name}_state_machine_arn"] = (
            machines.get(local_name)
            or sfn.create_state_machine(
                name=local_name, definition=workflow.resolve(arn_of), roleArn=role_arn, type=workflow.type
            )["stateMachineArn"]
        )
    return created
