"""Object keys cannot escape their prefix; the presigned POST policy pins key, type and exact size."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from portal.errors import BadRequest
from portal.local.uploads import PolicyError, verify_post
from portal.rag.storage import event_key, object_key, parse_key, presigned_post, safe_name, validate_name

FILE_ID = str(uuid.UUID(int=7))


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "a/b.pdf", "a\\b.pdf", "..", "...", "bad\x00name.pdf", "tab\tname"]
)
def test_names_with_path_separators_or_control_characters_are_refused(name: str) -> None:
    with pytest.raises(BadRequest):
        validate_name(name)


def test_an_empty_or_overlong_name_is_refused() -> None:
    with pytest.raises(BadRequest):
        validate_name("   ")
    with pytest.raises(BadRequest):
        validate_name("a" * 256 + ".pdf")


def test_safe_names_keep_hangul_and_the_extension() -> None:
    assert safe_name("2026년 연차 안내 (최종).docx") == "2026년_연차_안내_최종_.docx"
    assert safe_name("...hidden") == "hidden"
    long = safe_name("가" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long) <= 120


def test_keys_live_under_the_users_prefix_and_parse_back() -> None:
    key = object_key(empno="E1001", file_id=FILE_ID, name="보고서 v2.pdf")
    assert key == f"uploads/E1001/{FILE_ID}/보고서_v2.pdf"
    parts = parse_key(key)
    assert parts is not None and (parts.empno, parts.file_id) == ("E1001", FILE_ID)


def test_an_employee_number_that_cannot_be_a_key_segment_is_refused() -> None:
    with pytest.raises(BadRequest):
        object_key(empno="../E1", file_id=FILE_ID, name="a.pdf")


def test_keys_outside_the_layout_do_not_parse() -> None:
    assert parse_key("uploads/E1/not-a-uuid/a.pdf") is None
    assert parse_key(f"other/E1/{FILE_ID}/a.pdf") is None
    assert parse_key(f"uploads/E1/{FILE_ID}/sub/a.pdf") is None


def test_event_keys_are_form_decoded() -> None:
    assert event_key("uploads/E1/x/%EB%B3%B4%EA%B3%A0%EC%84%9C+v2.pdf") == "uploads/E1/x/보고서 v2.pdf"


def _post(size: int = 1234, key: str = f"uploads/E1001/{FILE_ID}/a.pdf") -> dict:
    client = boto3.client(
        "s3",
        region_name="ap-northeast-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        endpoint_url="http://127.0.0.1:9/local/s3",
    )
    return presigned_post(
        client, bucket="portal-uploads", key=key, size=size, content_type="application/pdf", expires_in=900
    )


def test_the_policy_pins_the_key_the_content_type_and_the_exact_size() -> None:
    post = _post()
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert ["content-length-range", 1234, 1234] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"key": f"uploads/E1001/{FILE_ID}/a.pdf"} in policy["conditions"]
    assert post["url"] == "http://127.0.0.1:9/local/s3/portal-uploads"


def test_a_post_that_satisfies_its_policy_passes_the_s3_checks() -> None:
    post = _post()
    verify_post("portal-uploads", post["fields"], 1234, secret_key="testing")


@pytest.mark.parametrize(("size", "code"), [(1235, "EntityTooLarge"), (1000, "EntityTooSmall")])
def test_a_body_of_another_size_than_declared_is_refused(size: int, code: str) -> None:
    with pytest.raises(PolicyError) as refused:
        verify_post("portal-uploads", _post()["fields"], size, secret_key="testing")
    assert refused.value.code == code and refused.value.status == 400


def test_a_changed_key_or_type_is_refused() -> None:
    fields = _post()["fields"]
    with pytest.raises(PolicyError, match="key"):
        verify_post("portal-uploads", {**fields, "key": "uploads/E2/other.pdf"}, 1234, secret_key="testing")
    with pytest.raises(PolicyError, match="Content-Type"):
        verify_post("portal-uploads", {**fields, "Content-Type": "text/html"}, 1234, secret_key="testing")


def test_an_extra_field_or_a_wrong_signature_or_an_expired_policy_is_refused() -> None:
    fields = _post()["fields"]
    with pytest.raises(PolicyError, match="Extra input fields"):
        verify_post("portal-uploads", {**fields, "acl": "public-read"}, 1234, secret_key="testing")
    with pytest.raises(PolicyError) as wrong:
        verify_post("portal-uploads", fields, 1234, secret_key="another-secret")
    assert wrong.value.code == "SignatureDoesNotMatch"
    with pytest.raises(PolicyError, match="expired"):
        verify_post(
            "portal-uploads", fields, 1234, secret_key="testing", now=datetime.now(UTC) + timedelta(hours=1)
        )
