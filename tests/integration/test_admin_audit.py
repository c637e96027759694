"""Every admin change is audited in activity_logs with before and after; a grant is seen at once
(the user's cache tag is invalidated); admins read the cache's statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": f"Bearer {make_token('A0001', '관리자', admin=True)}"}
EMPLOYEE = {"Authorization": f"Bearer {make_token('E1001', '홍길동')}"}


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    test_client = TestClient(create_app())
    for headers in (ADMIN, EMPLOYEE):
        assert test_client.get("/api/me", headers=headers).status_code == 200
    return test_client


def _audit(db, action_prefix: str) -> list[dict]:
    return db.fetch_all(
        "SELECT empno, action, resource_type, metadata FROM activity_logs WHERE action LIKE :p ORDER BY timestamp, id",
        {"p": action_prefix + "%"},
    )


def test_grant_renew_and_revoke_are_audited_with_before_and_after_and_seen_at_once(
    client: TestClient, db
) -> None:
    # The employee's access is read (and cached) before the grant
    def legal() -> str | None:
        listed = client.get("/api/me/agents", headers=EMPLOYEE).json()["agents"]
        return next(a["reason"] for a in listed if a["agent"] == "legal")

    assert legal() == "no_permission"

    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    from portal import services
    from portal.agents.access import access_cache_key
    from portal.auth.principal import user_cache_key

    cache = services.cache()
    assert cache.get(user_cache_key("E1001")) is not None  # the user row is cached with its tag

    body = {"empno": "E1001", "agent": "legal"}
    assert client.put("/api/admin/permissions", json=body, headers=ADMIN).status_code == 200
    # The user's tag is invalidated: every entry built from their data goes, not one key
    assert cache.get(user_cache_key("E1001")) is None and cache.get(access_cache_key("E1001")) is None
    assert legal() != "no_permission"  # no stale cached access after the grant
    assert (
        client.put("/api/admin/permissions", json={**body, "expires_at": later}, headers=ADMIN).status_code
        == 200
    )
    assert client.delete("/api/admin/permissions/E1001/legal", headers=ADMIN).status_code == 204
    assert legal() == "no_permission"

    rows = _audit(db, "admin.grant.")
    assert [r["action"] for r in rows] == ["admin.grant.put", "admin.grant.put", "admin.grant.revoke"]
    assert all(r["empno"] == "A0001" and r["resource_type"] == "agent_grant" for r in rows)
    assert all(r["metadata"]["target"] == "E1001:legal" for r in rows)
    first, renew, revoke = (r["metadata"] for r in rows)
    assert first["before"] is None and first["after"]["agent_type"] == "legal"
    assert renew["before"]["expires_at"] is None and renew["after"]["expires_at"] is not None
    assert revoke["before"]["expires_at"] == renew["after"]["expires_at"] and revoke["after"] is None


def test_a_role_changed_in_the_identity_provider_is_audited_once_at_the_next_sign_in(
    client: TestClient, db
) -> None:
    """Roles live in the IdP (its admin group); the portal records the change it is told of."""
    from portal import services
    from portal.auth.principal import user_cache_key

    promoted = {"Authorization": f"Bearer {make_token('E1001', '홍길동', admin=True)}"}
    services.cache().invalidate(user_cache_key("E1001"))  # as another container would see it
    assert client.get("/api/me", headers=promoted).json()["is_admin"] is True
    services.cache().invalidate(user_cache_key("E1001"))
    assert client.get("/api/me", headers=promoted).status_code == 200  # same roles: no second row
    services.cache().invalidate(user_cache_key("E1001"))
    assert client.get("/api/me", headers=EMPLOYEE).json()["is_admin"] is False

    rows = _audit(db, "user.role.")
    assert [(r["empno"], r["action"], r["resource_type"]) for r in rows] == [
        ("E1001", "user.role.change", "user_role"),
        ("E1001", "user.role.change", "user_role"),
    ]
    granted, taken = (r["metadata"] for r in rows)
    assert "admin" not in granted["before"] and "admin" in granted["after"]
    assert taken["before"] == granted["after"] and taken["after"] == granted["before"]
    assert granted["source"] == "identity_provider" and granted["target"] == "E1001"
    # A first sign-in is not a change of role.
    assert _audit(db, "user.role.") == rows and not [r for r in rows if r["empno"] == "A0001"]


def test_a_refused_change_writes_no_audit_row(client: TestClient, db) -> None:
    assert client.delete("/api/admin/permissions/E1001/legal", headers=ADMIN).status_code == 404
    assert (
        client.put(
            "/api/admin/permissions", json={"empno": "E1001", "agent": "legal"}, headers=EMPLOYEE
        ).status_code
        == 403
    )
    assert _audit(db, "admin.") == []


def test_mcp_configuration_changes_are_audited_without_their_secrets(client: TestClient, db) -> None:
    server = {
        "name": "tax",
        "transport": "streamable_http",
        "url": "https://tax.example.com/mcp",
        "headers": {"Authorization": "Bearer very-secret"},
    }
    body = {"name": "세법", "config_data": {"servers": [server]}}
    assert client.put("/api/admin/agents/tax/mcp", json=body, headers=ADMIN).status_code == 200
    assert (
        client.put("/api/admin/agents/tax/mcp", json={**body, "name": "세법 v2"}, headers=ADMIN).status_code
        == 200
    )
    assert client.delete("/api/admin/agents/tax/mcp", headers=ADMIN).status_code == 204

    rows = _audit(db, "admin.mcp_config.")
    assert [r["action"] for r in rows] == [
        "admin.mcp_config.put",
        "admin.mcp_config.put",
        "admin.mcp_config.deactivate",
    ]
    created, renamed, off = (r["metadata"] for r in rows)
    assert created["before"] is None and created["after"]["name"] == "세법"
    assert (renamed["before"]["name"], renamed["after"]["name"]) == ("세법", "세법 v2")
    assert (off["before"]["active"], off["after"]["active"]) == (True, False)
    assert "very-secret" not in str(rows)


def test_the_audit_helper_keeps_names_as_targets_and_uuids_as_resource_ids(db) -> None:
    from portal.admin.audit import record_admin_change
    from portal.db.repositories import users

    users.upsert_from_claims(
        db, empno="A0001", name_ko="관리자", company=None, company_code="C", roles=["admin"]
    )
    record_admin_change(
        db,
        admin_empno="A0001",
        action="admin.model.enable",
        resource_type="model",
        target="claude-sonnet-4-5",
        before={"enabled": False},
        after={"enabled": True},
    )
    row = db.fetch_one("SELECT resource_id, metadata FROM activity_logs WHERE action = 'admin.model.enable'")
    assert row["resource_id"] is None
    assert row["metadata"] == {
        "target": "claude-sonnet-4-5",
        "before": {"enabled": False},
        "after": {"enabled": True},
    }


def test_admins_read_the_cache_statistics_per_tier(client: TestClient) -> None:
    for _ in range(3):
        client.get("/api/me", headers=EMPLOYEE)  # the user row is cached: L1 hits
    stats = client.get("/api/admin/cache", headers=ADMIN)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["l1"]["hits"] >= 3 and body["l1"]["items"] >= 1
    assert body["l2"]["items"] is not None and body["l2_size_bytes"] is not None  # DescribeTable answered
    assert 0 < body["hit_rate"] <= 1
    assert client.get("/api/admin/cache", headers=EMPLOYEE).status_code == 403
