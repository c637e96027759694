"""Uploads on the local target: S3's POST Object contract in front of moto, and the ingest notification.

A browser cannot reach moto (it lives inside this process), so presigned POSTs point at the
local server (PORTAL_UPLOADS_ENDPOINT_URL) and this route plays S3: it checks the POST policy
the way S3 does (signature, expiry, every condition, content-length-range) and then stores the
object in moto. moto does not evaluate POST policies itself, which is why the check is here.

moto delivers the bucket's ObjectCreated notification synchronously inside the PutObject it
serves, through the in-process Lambda dispatch, so the upload request returns once the
ingest function has run (in AWS, S3 invokes it asynchronously); progress events reach the
owner's sockets while it runs either way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from botocore.exceptions import ClientError
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from portal import aws
from portal.rag.storage import UPLOADS_PREFIX
from portal.settings import Settings, get_settings

INGEST_FUNCTION = "portal-ingest"
router = APIRouter(include_in_schema=False)
# Form fields S3 does not require conditions for.
_EXEMPT = {"policy", "x-amz-signature", "file"}


def notify_ingest(settings: Settings) -> None:
    """Configure the uploads bucket to invoke the ingest function on ObjectCreated under uploads/."""
    import boto3

    arn = boto3.client("lambda", region_name=settings.region).get_function(FunctionName=INGEST_FUNCTION)[
        "Configuration"
    ]["FunctionArn"]
    boto3.client("s3", region_name=settings.region).put_bucket_notification_configuration(
        Bucket=settings.uploads_bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "Id": "ingest",
                    "LambdaFunctionArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": UPLOADS_PREFIX}]}},
                }
            ]
        },
    )


class PolicyError(Exception):
    """The POST does not satisfy its policy; S3 answers with this code and status."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _signing_key(secret: str, date: str, region: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _verified_policy(lowered: dict[str, str], *, secret_key: str) -> str:
    """The base64 policy, once the request's algorithm, credential and signature check out."""
    policy_b64, signature = lowered.get("policy"), lowered.get("x-amz-signature")
    if not policy_b64 or not signature or "key" not in lowered:
        raise PolicyError("InvalidArgument", "The POST must carry key, policy and x-amz-signature", 400)
    if lowered.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        raise PolicyError("InvalidArgument", "Only AWS4-HMAC-SHA256 POST policies are accepted", 400)
    try:
        _, date, region, _service, _ = lowered["x-amz-credential"].split("/")
    except (KeyError, ValueError):
        raise PolicyError("InvalidArgument", "Malformed x-amz-credential", 400) from None
    expected = hmac.new(
        _signing_key(secret_key, date, region), policy_b64.encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise PolicyError("SignatureDoesNotMatch", "The request signature does not match the policy")
    return policy_b64


def _parsed_policy(policy_b64: str, now: datetime | None) -> tuple[dict[str, Any], list[Any]]:
    """(policy, conditions) of an unexpired, well-formed policy document."""
    try:
        policy = json.loads(base64.b64decode(policy_b64))
        expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        conditions = policy["conditions"]
    except (ValueError, KeyError, TypeError):
        raise PolicyError("InvalidPolicyDocument", "The policy document is malformed", 400) from None
    if (now or datetime.now(UTC)) >= expiration:
        raise PolicyError("AccessDenied", "Invalid according to Policy: Policy expired.")
    return policy, conditions


def _condition_failed(name: str) -> PolicyError:
    return PolicyError("AccessDenied", f"Invalid according to Policy: Policy Condition failed: {name}")


def _check_size(condition: list[Any], size: int) -> None:
    low, high = int(condition[1]), int(condition[2])
    if size > high:
        raise PolicyError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
    if size < low:
        raise PolicyError(
            "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400
        )


def _check_condition(condition: Any, values: dict[str, str], size: int) -> set[str]:
    """Check one policy condition; return the (lower-case) field names it covers."""
    if isinstance(condition, dict):
        for name, value in condition.items():
            if values.get(name.lower()) != value:
                raise _condition_failed(name)
        return {name.lower() for name in condition}
    if condition[0] == "content-length-range":
        _check_size(condition, size)
        return set()
    operator, name, value = condition[0], condition[1].lstrip("$").lower(), condition[2]
    actual = values.get(name, "")
    if (operator == "eq" and actual != value) or (operator == "starts-with" and not actual.startswith(value)):
        raise _condition_failed(name)
    return {name}


def verify_post(
    bucket: str, fields: dict[str, str], size: int, *, secret_key: str, now: datetime | None = None
) -> dict[str, Any]:
    """Check a POST Object request against its signed policy, as S3 does; return the policy."""
    lowered = {k.lower(): v for k, v in fields.items()}
    policy, conditions = _parsed_policy(_verified_policy(lowered, secret_key=secret_key), now)
    covered: set[str] = set()
    values = {**lowered, "bucket": bucket}
    for condition in conditions:
        covered |= _check_condition(condition, values, size)
    extra = {k for k in lowered if k not in _EXEMPT and not k.startswith("x-ignore-")} - covered
    if extra:
        raise PolicyError(
            "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(sorted(extra))}"
        )
    return dict(policy)


def _error(code: str, message: str, status: int) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>'
    return Response(body, status_code=status, media_type="application/xml")


@router.post("/local/s3/{bucket}")
async def post_object(bucket: str, request: Request) -> Response:
    """S3 POST Object: a multipart form whose last part is the file."""
    settings = get_settings()
    if bucket != settings.uploads_bucket:
        return _error("NoSuchBucket", "The specified bucket does not exist", 404)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return _error("InvalidArgument", "POST requires exactly one file upload per request", 400)
    data = await upload.read()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    try:
        import boto3

        credentials = boto3.Session().get_credentials()
        verify_post(bucket, fields, len(data), secret_key=credentials.secret_key if credentials else "")
    except PolicyError as exc:
        return _error(exc.code, exc.message, exc.status)
    lowered = {k.lower(): v for k, v in fields.items()}
    put: dict[str, Any] = {"Bucket": bucket, "Key": lowered["key"], "Body": data}
    if "content-type" in lowered:
        put["ContentType"] = lowered["content-type"]
    # Blocks while moto's notification runs the ingest function (see the module docstring).
    stored = await run_in_threadpool(lambda: aws.client("s3").put_object(**put))
    status = int(lowered.get("success_action_status", "204"))
    return Response(
        status_code=status if status in (200, 201, 204) else 204, headers={"ETag": stored["ETag"]}
    )


def verify_presigned_get(
    *,
    method: str,
    host: str,
    raw_path: str,
    query: list[tuple[str, str]],
    secret_key: str,
    now: datetime | None = None,
) -> None:
    """Check a presigned (SigV4 query-string) request as S3 does: signature, then expiry."""
    params = dict(query)
    signature = params.get("X-Amz-Signature")
    if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or not signature:
        raise PolicyError("AccessDenied", "Request is not a presigned SigV4 request")
    try:
        _, date, region, _service, _ = params["X-Amz-Credential"].split("/")
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(params["X-Amz-Expires"])
    except (KeyError, ValueError):
        raise PolicyError(
            "AuthorizationQueryParametersError", "Malformed presigned parameters", 400
        ) from None

    def enc(value: str) -> str:
        return quote(value, safe="-_.~")

    canonical_query = "&".join(
        f"{enc(k)}={enc(v)}" for k, v in sorted((k, v) for k, v in query if k != "X-Amz-Signature")
    )
    headers = params.get("X-Amz-SignedHeaders", "host")
    canonical = "\n".join(
        [method, raw_path, canonical_query, f"host:{host}", "", headers, "UNSIGNED-PAYLOAD"]
    )
    scope = f"{date}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", params["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    expected = hmac.new(_signing_key(secret_key, date, region), to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise PolicyError("SignatureDoesNotMatch", "The request signature we calculated does not match")
    if (now or datetime.now(UTC)) > signed_at + timedelta(seconds=expires):
        raise PolicyError("AccessDenied", "Request has expired")


@router.get("/local/s3/{bucket}/{key:path}")
async def get_object(bucket: str, key: str, request: Request) -> Response:
    """S3 GET Object through a presigned URL (file links of citations)."""
    settings = get_settings()
    if bucket != settings.uploads_bucket:
        return _error("NoSuchBucket", "The specified bucket does not exist", 404)
    import boto3

    credentials = boto3.Session().get_credentials()
    try:
        verify_presigned_get(
            method="GET",
            host=request.headers.get("host", ""),
            raw_path=request.scope.get("raw_path", b"").decode() or request.url.path,
            query=list(request.query_params.multi_items()),
            secret_key=credentials.secret_key if credentials else "",
        )
    except PolicyError as exc:
        return _error(exc.code, exc.message, exc.status)
    params = request.query_params
    try:
        got = await run_in_threadpool(lambda: aws.client("s3").get_object(Bucket=bucket, Key=key))
    except ClientError:
        return _error("NoSuchKey", "The specified key does not exist.", 404)
    body = await run_in_threadpool(got["Body"].read)
    headers = {}
    if "response-content-disposition" in params:
        headers["Content-Disposition"] = params["response-content-disposition"]
    media = params.get("response-content-type") or got.get("ContentType") or "application/octet-stream"
    return Response(body, media_type=media, headers=headers)
