"""Every AWS API call the portal's code makes in this test session, attributed to the calling function.

A botocore event hook (installed for every session, as moto installs its own) records the
service, IAM action and resource ARNs of each call. The calling function is the contextvar that
the local target sets around each in-process handler invocation (portal.local.functions), that the
REST app sets per request (wrapped below), and that tests/deploy sets around the handlers it
starts from cdk.out. Thread pools copy it into their worker threads, so concurrent calls keep
their caller.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from botocore import handlers, signers
from portal.local.functions import running_function

from tests.deploy.assembly import ACCOUNT, REGION

# How local-target endpoints appear in execute-api ARNs; the check maps them to the deployed API.
LOCAL_API = "LOCAL-API/LOCAL-STAGE"

# API operations whose IAM action has another name.
_S3_ACTIONS = {
    "HeadObject": "GetObject",
    "HeadBucket": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "DeleteObjects": "DeleteObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "AbortMultipartUpload": "AbortMultipartUpload",
}
_CONNECTION_METHODS = {"PostToConnection": "POST", "GetConnection": "GET", "DeleteConnection": "DELETE"}
_INFERENCE_PROFILE = re.compile(r"^(us|eu|apac|global|us-gov|jp|au|ca)\.")


@dataclass(frozen=True)
class AwsCall:
    """One permission a call needs: who asked, for what action, on which resource."""

    function: str | None
    action: str  # IAM action, e.g. "dynamodb:PutItem"
    resource: str  # the ARN IAM evaluates
    # Made by a function started from cdk.out: its names are deployed names already. False: the
    # local target made it, with local names (portal-cache, …) that the check maps to deployed ones.
    deployed: bool = False


# Set while a function started from cdk.out runs (lambda_runtime.py).
running_deployed: contextvars.ContextVar[bool] = contextvars.ContextVar("running_deployed", default=False)


# A stand-in answers a service's requests instead of moto: (operation, params) -> (response, parsed).
StandIn = Callable[[str, dict[str, Any]], Any]


class CallRecorder:
    def __init__(self) -> None:
        self.calls: list[AwsCall] = []
        self.stand_ins: dict[str, StandIn] = {}
        self.paused = False  # during a test that misconfigures a function on purpose (iam_exempt)

    def record(self, function: str | None, action: str, resources: list[str]) -> None:
        if self.paused:
            return
        deployed = running_deployed.get()
        self.calls.extend(AwsCall(function, action, resource, deployed) for resource in resources)

    # --- botocore hooks ---------------------------------------------------------------------

    def before_parameter_build(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        context["portal_api_params"] = dict(params)
        if context.get("is_presign_request"):  # a presigned URL is signed with the role: its grant counts
            key = _presigned_post_key.get()
            if key is not None:  # botocore signs a POST policy as "CreateBucket"; S3 authorizes a PutObject
                self.record(
                    running_function.get(), "s3:PutObject", [f"arn:aws:s3:::{params['Bucket']}/{key}"]
                )
            else:
                self._record(model, dict(params), None)

    def before_call(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        api_params = context.get("portal_api_params", {})
        self._record(model, api_params, params.get("url"))
        stand_in = self.stand_ins.get(model.service_model.service_name)
        return stand_in(model.name, api_params) if stand_in else None

    def _record(self, model: Any, api_params: dict[str, Any], url: str | None) -> None:
        service = model.service_model.signing_name or model.service_model.endpoint_prefix
        for action, resources in permissions(service, model.name, api_params, url):
            self.record(running_function.get(), action, resources)


def permissions(
    service: str, operation: str, p: dict[str, Any], url: str | None
) -> list[tuple[str, list[str]]]:
    """The (IAM action, resource ARNs) pairs AWS authorizes for one API call."""
    arn = f"arn:aws:{service}:{REGION}:{ACCOUNT}"
    if service == "dynamodb":
        tables = [p["TableName"]] if "TableName" in p else list(p.get("RequestItems", {}))
        for item in p.get("TransactItems", []):
            tables += [body["TableName"] for body in item.values()]
        index = f"/index/{p['IndexName']}" if "IndexName" in p else ""
        return [(f"dynamodb:{operation}", [f"{arn}:table/{t}{index}" for t in tables] or ["*"])]
    if service == "s3":
        action = f"s3:{_S3_ACTIONS.get(operation, operation)}"
        bucket = p.get("Bucket", "")
        keys = [p["Key"]] if "Key" in p else [o["Key"] for o in p.get("Delete", {}).get("Objects", [])]
        if action == "s3:ListBucket" or not keys:
            return [(action, [f"arn:aws:s3:::{bucket}"])]
        return [(action, [f"arn:aws:s3:::{bucket}/{k}" for k in keys])]
    if service == "secretsmanager":
        return [(f"secretsmanager:{operation}", [_secret_arn(p.get("SecretId", "*"))])]
    if service == "states":
        target = p.get("stateMachineArn") or p.get("executionArn") or "*"
        return [(f"states:{operation}", [target])]
    if service == "rds-data":
        # The Data API reads the database secret with the caller's credentials.
        return [
            (f"rds-data:{operation}", [p.get("resourceArn", "*")]),
            ("secretsmanager:GetSecretValue", [_secret_arn(p.get("secretArn", "*"))]),
        ]
    if service == "execute-api":
        return [("execute-api:ManageConnections", [_connection_arn(operation, p, url)])]
    if service == "bedrock":
        model_id = str(p.get("modelId", "*"))
        if model_id.startswith("arn:"):
            return [(f"bedrock:{operation}", [model_id])]
        if _INFERENCE_PROFILE.match(model_id):
            return [(f"bedrock:{operation}", [f"{arn}:inference-profile/{model_id}"])]
        return [(f"bedrock:{operation}", [f"arn:aws:bedrock:{REGION}::foundation-model/{model_id}"])]
    if service == "lambda":
        return [(f"lambda:{operation}", [f"{arn}:function:{p.get('FunctionName', '*')}"])]
    return [(f"{service}:{operation}", ["*"])]


def _secret_arn(secret_id: str) -> str:
    if secret_id.startswith("arn:"):
        return secret_id
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{secret_id}"


def _connection_arn(operation: str, params: dict[str, Any], url: str | None) -> str:
    """arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/@connections/<id>."""
    method = _CONNECTION_METHODS.get(operation, "*")
    parsed = urlparse(url or "")
    host_api = (
        parsed.hostname.split(".")[0] if parsed.hostname and ".execute-api." in parsed.hostname else None
    )
    path = unquote(parsed.path).split("/@connections/")[0].strip("/")
    api_stage = f"{host_api}/{path}" if host_api else LOCAL_API
    connection = params.get("ConnectionId", "*")
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_stage}/{method}/@connections/{connection}"


RECORDER = CallRecorder()
_installed = False
_presigned_post_key: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "presigned_post_key", default=None
)


def _remember_presigned_post_key() -> None:
    """generate_presigned_post names no object to botocore's events; keep its key for the hook."""
    original = signers.generate_presigned_post

    def generate_presigned_post(self: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
        token = _presigned_post_key.set(Key)
        try:
            return original(self, Bucket, Key, *args, **kwargs)
        finally:
            _presigned_post_key.reset(token)

    signers.generate_presigned_post = generate_presigned_post


def install() -> CallRecorder:
    """Hook every botocore session made from now on, and carry the caller into pool threads."""
    global _installed
    if not _installed:
        handlers.BUILTIN_HANDLERS.append(("before-parameter-build", RECORDER.before_parameter_build))
        handlers.BUILTIN_HANDLERS.append(("before-call", RECORDER.before_call))
        submit = ThreadPoolExecutor.submit

        def submit_in_context(
            self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
        ) -> Any:
            return submit(self, contextvars.copy_context().run, fn, *args, **kwargs)

        ThreadPoolExecutor.submit = submit_in_context  # type: ignore[method-assign]
        _remember_presigned_post_key()
        _attribute_rest_app_to_api()
        _installed = True
    return RECORDER


def _attribute_rest_app_to_api() -> None:
    """Tests and the local target serve the REST app directly; in AWS it runs as the api function."""
    import sys

    from portal.api import app as app_module

    create_app = app_module.create_app

    class RunAsApi:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            token = running_function.set("api")
            try:
                await self.app(scope, receive, send)
            finally:
                running_function.reset(token)

    def create_app_as_api(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        app.add_middleware(RunAsApi)
        return app

    app_module.create_app = create_app_as_api  # type: ignore[assignment]
    server = sys.modules.get("portal.local.server")
    if server is not None:
        server.create_app = create_app_as_api  # type: ignore[attr-defined]
