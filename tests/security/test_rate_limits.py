"""Per-user rate limits by route family (portal.api.ratelimit): DynamoDB counters shared by
every instance, 429 with Retry-After and a Korean message, and only accepted requests count."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from portal.api.ratelimit import family_of

from tests.conftest import make_token
from tests.unit.rag_samples import PDF

pytestmark = pytest.mark.integration


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_RATE_LIMIT_PER_HOUR", "3")
    monkeypatch.setenv("PORTAL_UPLOAD_RATE_LIMIT_PER_HOUR", "2")
    reset_settings()


@pytest.fixture
def apps(limits: None, app_database_url: str, aws: dict) -> tuple[TestClient, TestClient]:
    """Two instances of the API, as two Lambda containers would be."""
    from portal.api.app import create_app

    return TestClient(create_app()), TestClient(create_app())


def headers(empno: str = "E1001", *, admin: bool = False) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(empno, '홍길동', admin=admin)}"}


def test_families_follow_the_seed() -> None:
    assert family_of("POST", "/conversations/{conversation_id}/messages") == "chat"
    assert family_of("POST", "/files") == "upload"
    assert family_of("PATCH", "/workspaces/{workspace_id}") == "default"
    assert family_of("DELETE", "/files/{file_id}") == "default"
    assert family_of("GET", "/files") is None


def test_the_default_limit_is_shared_by_every_instance_and_answers_429_in_korean(apps) -> None:
    one, two = apps
    me = headers()
    assert [c.post("/api/conversations", json={}, headers=me).status_code for c in (one, two, one)] == [
        201
    ] * 3
    refused = two.post("/api/conversations", json={}, headers=me)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    error = refused.json()["error"]
    assert (
        error["code"] == "rate_limited" and "시간당 3회" in error["message"] and error["family"] == "default"
    )
    # Another user has their own count; reads are not limited
    assert one.post("/api/conversations", json={}, headers=headers("E2002")).status_code == 201
    assert one.get("/api/conversations", headers=me).status_code == 200


def test_only_accepted_requests_count(apps) -> None:
    client, _ = apps
    me = headers()
    for _ in range(5):  # refused by validation or by the route: nothing stored, nothing counted
        assert client.post("/api/workspaces", json={"title": ""}, headers=me).status_code == 422
        assert client.delete("/api/files/00000000-0000-0000-0000-000000000000", headers=me).status_code == 404
    assert [client.post("/api/conversations", json={}, headers=me).status_code for _ in range(4)] == [
        201,
        201,
        201,
        429,
    ]


def test_uploads_have_their_own_smaller_limit(apps) -> None:
    client, _ = apps
    me = headers()
    body = {"name": "a.pdf", "size": 10, "type": PDF}
    assert (
        client.post("/api/files", json={**body, "type": "application/x-msdownload"}, headers=me).status_code
        == 415
    )
    assert [client.post("/api/files", json=body, headers=me).status_code for _ in range(3)] == [201, 201, 429]
    # The default family is untouched by uploads
    assert client.post("/api/conversations", json={}, headers=me).status_code == 201


def test_administrators_are_not_exempt(apps) -> None:
    client, _ = apps
    admin = headers("A0001", admin=True)
    codes = [client.post("/api/conversations", json={}, headers=admin).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
