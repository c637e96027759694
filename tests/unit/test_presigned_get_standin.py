"""The local S3 stand-in checks presigned GETs as S3 does: botocore's own URLs pass; a changed
parameter, another key or an expired link are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest
from portal.local.uploads import PolicyError, verify_presigned_get

SECRET = "local-secret-key-for-tests"
ENDPOINT = "http://127.0.0.1:8765/local/s3"


def _presigned(key: str, **extra: str) -> str:
    client = boto3.client(
        "s3",
        region_name="ap-northeast-2",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key=SECRET,
    )
    return str(
        client.generate_presigned_url(
            "get_object", Params={"Bucket": "uploads", "Key": key, **extra}, ExpiresIn=300
        )
    )


def _check(url: str, *, now: datetime | None = None, secret: str = SECRET) -> None:
    parts = urlsplit(url)
    verify_presigned_get(
        method="GET",
        host=parts.netloc,
        raw_path=parts.path,
        query=parse_qsl(parts.query, keep_blank_values=True),
        secret_key=secret,
        now=now,
    )


def test_botocore_s_presigned_url_passes_with_korean_names_and_response_overrides() -> None:
    url = _presigned(
        "uploads/E1001/f1/휴가 규정.pdf",
        ResponseContentDisposition="inline; filename*=UTF-8''%ED%9C%B4%EA%B0%80.pdf",
        ResponseContentType="application/pdf",
    )
    _check(url)


def test_a_changed_parameter_or_key_or_secret_is_refused() -> None:
    url = _presigned("uploads/E1001/f1/a.pdf", ResponseContentType="application/pdf")
    with pytest.raises(PolicyError, match="signature"):
        _check(url.replace("application%2Fpdf", "text%2Fhtml"))
    with pytest.raises(PolicyError, match="signature"):
        _check(url.replace("/a.pdf", "/b.pdf"))
    with pytest.raises(PolicyError, match="signature"):
        _check(url, secret="another-secret")


def test_an_expired_link_is_refused() -> None:
    url = _presigned("uploads/E1001/f1/a.pdf")
    with pytest.raises(PolicyError, match="expired"):
        _check(url, now=datetime.now(UTC) + timedelta(seconds=301))


def test_a_plain_get_without_a_signature_is_refused() -> None:
    with pytest.raises(PolicyError):
        _check(f"{ENDPOINT}/uploads/uploads/E1001/f1/a.pdf")
