"""Agent permissions, feature switches and preferences through the REST API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": f"Bearer {make_token('A1', '관리자', admin=True)}"}


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _count(db, sql: str) -> int:
    return db.fetch_one(f"SELECT count(*) AS n FROM {sql}")["n"]


def _post(client: TestClient, auth: dict, **body: object):
    conversation = client.post("/api/conversations", json={}, headers=auth).json()
    return client.post(f"/api/conversations/{conversation['id']}/messages", json=body, headers=auth)


def test_an_agent_without_permission_is_403_and_stores_nothing(client: TestClient, auth: dict, db) -> None:
    response = _post(client, auth, content="계약서 검토해줘", agent="legal")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "agent_locked" and error["agent"] == "legal"  # the UI names it in Korean
    assert "legal" in response.json()["error"]["message"]
    assert _count(db, "messages") == 0


def test_a_toggle_the_user_switched_off_is_400_and_stores_nothing(client: TestClient, auth: dict, db) -> None:
    assert (
        client.put("/api/me/preferences", json={"enable_web_search": False}, headers=auth).status_code == 200
    )
    response = _post(client, auth, content="최신 뉴스", toggle="web_search")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "feature_disabled"
    assert _count(db, "messages") == 0


def test_admin_grants_then_the_agent_is_usable_until_revoked(client: TestClient, auth: dict) -> None:
    client.get("/api/me", headers=auth)  # the user signs in once
    granted = client.put("/api/admin/permissions", json={"empno": "E1001", "agent": "legal"}, headers=ADMIN)
    assert granted.status_code == 200 and granted.json()["granted_by"] == "A1"
    agents = {a["agent"]: a for a in client.get("/api/me/agents", headers=auth).json()["agents"]}
    assert agents["legal"]["usable"] is True and agents["tax"]["reason"] == "no_permission"
    assert _post(client, auth, content="계약서 검토해줘", agent="legal").status_code == 202
    assert client.delete("/api/admin/permissions/E1001/legal", headers=ADMIN).status_code == 204
    assert _post(client, auth, content="계약서 검토해줘", agent="legal").status_code == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"empno": "E1001", "agent": "general"}, 422),
        ({"empno": "E1001", "agent": "legal", "expires_at": "2001-01-01T00:00:00Z"}, 422),
        ({"empno": "NOBODY", "agent": "legal"}, 404),
    ],
    ids=["unrestricted-agent", "past-expiry", "unknown-user"],
)
def test_bad_grants_are_refused_and_write_nothing(
    client: TestClient, auth: dict, db, body: dict, status: int
) -> None:
    client.get("/api/me", headers=auth)
    assert client.put("/api/admin/permissions", json=body, headers=ADMIN).status_code == status
    assert _count(db, "user_agent_permissions") == 0


def test_non_admins_cannot_grant(client: TestClient, auth: dict, db) -> None:
    response = client.put("/api/admin/permissions", json={"empno": "E1001", "agent": "legal"}, headers=auth)
    assert response.status_code == 403
    assert _count(db, "user_agent_permissions") == 0


def test_preferences_round_trip_and_an_unknown_model_changes_nothing(client: TestClient, auth: dict) -> None:
    saved = client.put(
        "/api/me/preferences",
        json={"enable_canvas_mode": False, "priority": "cost", "profile_collection": False},
        headers=auth,
    ).json()
    assert saved["enable_canvas_mode"] is False and saved["model_preference"] == {"priority": "cost"}
    assert saved["ui_preferences"] == {"profile_collection": False}
    bad = client.put(
        "/api/me/preferences", json={"model": "gpt-99", "enable_web_search": False}, headers=auth
    )
    assert bad.status_code == 400
    assert client.get("/api/me/preferences", headers=auth).json()["enable_web_search"] is True


def test_models_lists_the_offline_model_when_no_key_is_set(client: TestClient, auth: dict) -> None:
    body = client.get("/api/models", headers=auth).json()
    assert [m["key"] for m in body["models"]] == ["offline"] and body["default"] == "offline"


def test_models_also_lists_the_whole_catalog_with_availability(client: TestClient, auth: dict) -> None:
    catalog = client.get("/api/models", headers=auth).json()["catalog"]
    real = [m for m in catalog if m["provider"] != "offline"]
    assert [m["provider"] for m in real].count("anthropic") == 4 and [m["provider"] for m in real].count(
        "google"
    ) == 4
    # No key in the tests: every real model is shown, disabled, with the reason.
    assert all(not m["available"] and m["unavailable_reason"] == "provider_not_configured" for m in real)
    assert {m["key"]: m["cost_tier"] for m in real}["claude-opus-4-6"] == "high"
    assert {m["key"]: m["cost_tier"] for m in real}["gemini-2.5-flash-lite"] == "low"
    offline = [m for m in catalog if m["provider"] == "offline"]
    assert len(offline) == 1 and offline[0]["available"]
