"""Organisation-wide feature switches (#13): an administrator turns an agent off for everyone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


def _auth(empno: str, *, admin: bool = False) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(empno, f'사용자{empno}', admin=admin)}"}


ADMIN = _auth("A0001", admin=True)
USER = _auth("E1001")


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.agents import org_features
    from portal.api.app import create_app

    org_features.forget()
    client = TestClient(create_app())
    for headers in (ADMIN, USER):
        assert client.get("/api/me", headers=headers).status_code == 200  # provisioned
    return client


def _reason(client: TestClient, agent: str) -> str | None:
    agents = client.get("/api/me/agents", headers=USER).json()["agents"]
    return next(a["reason"] for a in agents if a["agent"] == agent)


def test_an_agent_switched_off_is_refused_before_anything_is_stored_and_never_routed_to(
    client: TestClient, db
) -> None:
    from portal.agents.supervisor import candidates_for
    from portal.db.repositories import users

    # Given the canvas is usable
    assert _reason(client, "canvas") is None

    # When an administrator switches it off for the organisation
    put = client.put("/api/admin/features", json={"disabled_agents": ["canvas"]}, headers=ADMIN)
    assert put.status_code == 200, put.text
    assert {a["agent"]: a["enabled"] for a in put.json()["agents"]}["canvas"] is False

    # Then the user's agent list says why, a message asking for it is refused in Korean with
    # nothing stored, and the supervisor never offers it to the classifier
    assert _reason(client, "canvas") == "disabled_by_admin"
    conversation = client.post("/api/conversations", json={}, headers=USER).json()
    refused = client.post(
        f"/api/conversations/{conversation['id']}/messages",
        json={"content": "보고서 초안을 써 줘", "toggle": "canvas"},
        headers=USER,
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "agent_disabled"
    assert "관리자" in refused.json()["error"]["message"]
    stored = db.fetch_one(
        "SELECT count(*) AS n FROM messages WHERE conversation_id = :c::uuid", {"c": conversation["id"]}
    )
    assert stored["n"] == 0
    user = users.get(db, empno="E1001")
    assert user is not None and "canvas" not in candidates_for(db, user)

    # And the change is audited with before and after; switching it on again restores it at once
    row = db.fetch_one(
        "SELECT metadata FROM activity_logs WHERE action = 'admin.features.put' ORDER BY timestamp DESC"
    )
    assert row["metadata"]["before"] == {"agents": []}
    assert row["metadata"]["after"] == {"agents": ["canvas"]}
    assert client.put("/api/admin/features", json={"disabled_agents": []}, headers=ADMIN).status_code == 200
    assert _reason(client, "canvas") is None


@pytest.mark.parametrize(
    "body",
    [
        {"disabled_agents": ["general"]},
        {"disabled_agents": ["nonexistent"]},
        {"disabled_agents": "canvas"},
    ],
    ids=["general", "unknown", "not-a-list"],
)
def test_bad_switches_are_refused_and_change_nothing(client: TestClient, db, body: dict) -> None:
    response = client.put("/api/admin/features", json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert db.fetch_one("SELECT count(*) AS n FROM org_settings WHERE key = 'agents_disabled'")["n"] == 0


def test_only_admins_see_or_change_the_switches(client: TestClient) -> None:
    assert client.get("/api/admin/features", headers=USER).status_code == 403
    assert client.put("/api/admin/features", json={"disabled_agents": []}, headers=USER).status_code == 403
