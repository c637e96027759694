"""The admin API for the domain agents' MCP servers, over real PostgreSQL and moto."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from portal.db.repositories import agent_configs

from tests.conftest import make_token, trust_local_issuer_in_aws

pytestmark = pytest.mark.integration

HTTP_SERVER = {
    "name": "regulations",
    "transport": "streamable_http",
    "url": "https://mcp.example.internal/mcp",
    "headers": {"Authorization": "Bearer very-secret"},
    "allowed_tools": ["search_regulations", "get_article"],
}
BODY = {
    "name": "사내 규정 검색",
    "description": "규정 문서 MCP 서버",
    "config_data": {"servers": [HTTP_SERVER]},
}


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token('A0001', '관리자', admin=True)}"}


def employee() -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token('E1001', '홍길동')}"}


def _rows(db) -> int:
    return db.fetch_one("SELECT count(*) AS n FROM agent_mcp_configs")["n"]


# --- listing ---------------------------------------------------------------------------------


def test_the_four_domain_agents_are_listed_unconfigured_at_first(client: TestClient) -> None:
    response = client.get("/api/admin/agents", headers=admin())

    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["agent"] for i in items] == ["regulations", "legal", "accounting", "tax"]
    assert [i["title"] for i in items] == ["사내 규정", "법무", "회계", "세무"]
    assert all(not i["configured"] and not i["active"] and i["servers"] == [] for i in items)


def test_only_admins_may_list(client: TestClient) -> None:
    forbidden = client.get("/api/admin/agents", headers=employee())
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    assert client.get("/api/admin/agents").status_code == 401


# --- configuring -----------------------------------------------------------------------------


def test_an_admin_connects_an_agent_and_secrets_are_stored_but_never_shown(client: TestClient, db) -> None:
    response = client.put("/api/admin/agents/regulations/mcp", json=BODY, headers=admin())

    assert response.status_code == 200, response.text
    shown = response.json()
    assert (shown["agent"], shown["configured"], shown["active"], shown["name"]) == (
        "regulations",
        True,
        True,
        "사내 규정 검색",
    )
    assert shown["servers"] == [
        {
            "name": "regulations",
            "transport": "streamable_http",
            "url": "https://mcp.example.internal/mcp",
            "header_names": ["Authorization"],
            "timeout_seconds": 20.0,
            "allowed_tools": ["search_regulations", "get_article"],
        }
    ]
    assert "very-secret" not in response.text
    assert shown["created_by"] == "A0001" and shown["problems"] == []
    stored = agent_configs.get_active(db, agent_type="regulations")
    assert stored is not None
    assert stored.config_data["servers"][0]["headers"] == {"Authorization": "Bearer very-secret"}
    listed = {i["agent"]: i for i in client.get("/api/admin/agents", headers=admin()).json()["items"]}
    assert listed["regulations"]["active"] and not listed["legal"]["configured"]
    assert "very-secret" not in str(listed)


def test_a_second_put_replaces_the_servers_and_keeps_the_first_author(client: TestClient, db) -> None:
    client.put("/api/admin/agents/tax/mcp", json=BODY, headers=admin())
    other_admin = {"Authorization": f"Bearer {make_token('A0002', '다른관리자', admin=True)}"}
    replacement = {
        "name": "세법 검색",
        "config_data": {
            "servers": [
                {"name": "tax-law", "transport": "streamable_http", "url": "https://tax.example.com/mcp"}
            ]
        },
    }

    response = client.put("/api/admin/agents/tax/mcp", json=replacement, headers=other_admin)

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "세법 검색" and body["description"] is None
    assert [s["name"] for s in body["servers"]] == ["tax-law"]
    assert body["created_by"] == "A0001"
    assert _rows(db) == 1


def test_a_bad_config_is_422_with_a_clear_message_and_nothing_is_stored(client: TestClient, db) -> None:
    bad = {"name": "x", "config_data": {"servers": [{"name": "law-db", "transport": "stdio"}]}}

    response = client.put("/api/admin/agents/legal/mcp", json=bad, headers=admin())

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "config_data.servers.0" in error["message"] and "stdio needs a command" in error["message"]
    assert _rows(db) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**BODY, "name": "   "}, "name must not be blank"),
        ({"name": "x"}, "config_data: Field required"),
        ({**BODY, "config_data": {"servers": []}}, "at least 1 item"),
        (
            {**BODY, "config_data": {"servers": [{**HTTP_SERVER, "url": "file:///etc/passwd"}]}},
            "https:// URL",
        ),
    ],
    ids=["blank-name", "no-config", "no-servers", "file-url"],
)
def test_other_bad_bodies_are_422(client: TestClient, db, body: dict, message: str) -> None:
    response = client.put("/api/admin/agents/accounting/mcp", json=body, headers=admin())
    assert response.status_code == 422 and message in response.json()["error"]["message"]
    assert _rows(db) == 0


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.put(
        "/api/admin/agents/legal/mcp",
        content=b"{not json",
        headers={**admin(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("agent", ["general", "web_search", "nope"])
def test_an_agent_that_is_not_a_domain_agent_is_404(client: TestClient, db, agent: str) -> None:
    response = client.put(f"/api/admin/agents/{agent}/mcp", json=BODY, headers=admin())
    assert response.status_code == 404 and "Unknown domain agent" in response.json()["error"]["message"]
    assert client.delete(f"/api/admin/agents/{agent}/mcp", headers=admin()).status_code == 404
    assert _rows(db) == 0


def test_a_non_admin_is_refused_before_the_body_is_judged(client: TestClient, db) -> None:
    assert client.put("/api/admin/agents/regulations/mcp", json=BODY, headers=employee()).status_code == 403
    assert client.put("/api/admin/agents/regulations/mcp", json={}, headers=employee()).status_code == 403
    assert client.put("/api/admin/agents/nope/mcp", json=BODY, headers=employee()).status_code == 403
    assert client.put("/api/admin/agents/regulations/mcp", json=BODY).status_code == 401
    assert _rows(db) == 0


def test_in_aws_a_stdio_server_is_refused_with_the_reason(
    database_url: str, aws: dict, monkeypatch, db
) -> None:
    from portal import services
    from portal.api.app import create_app

    headers = admin()  # minted while still local (AWS refuses to mint)
    monkeypatch.setenv("PORTAL_ENVIRONMENT", "aws")
    trust_local_issuer_in_aws(monkeypatch)
    services.reset()
    client = TestClient(create_app())
    stdio = {
        "name": "x",
        "config_data": {"servers": [{"name": "law-db", "transport": "stdio", "command": "law"}]},
    }

    response = client.put("/api/admin/agents/legal/mcp", json=stdio, headers=headers)

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_mcp_config",
        "message": "server 'law-db': stdio servers are disabled in AWS (a stdio server must be bundled into "
        "the worker; the deployer enables it with PORTAL_MCP_ALLOW_STDIO=true)",
    }
    assert _rows(services.db()) == 0  # the executor of the rebuilt services
    assert client.put("/api/admin/agents/legal/mcp", json=BODY, headers=headers).status_code == 200


# --- switching off ---------------------------------------------------------------------------


def test_delete_switches_the_config_off_and_a_put_switches_it_on_again(client: TestClient, db) -> None:
    client.put("/api/admin/agents/regulations/mcp", json=BODY, headers=admin())

    response = client.delete("/api/admin/agents/regulations/mcp", headers=admin())

    assert response.status_code == 204
    assert agent_configs.get_active(db, agent_type="regulations") is None
    listed = client.get("/api/admin/agents", headers=admin()).json()["items"][0]
    assert listed["configured"] and not listed["active"]  # kept for the record
    assert (
        client.delete("/api/admin/agents/regulations/mcp", headers=admin()).status_code == 204
    )  # idempotent
    client.put("/api/admin/agents/regulations/mcp", json=BODY, headers=admin())
    assert agent_configs.get_active(db, agent_type="regulations") is not None


def test_delete_without_a_config_is_404(client: TestClient) -> None:
    response = client.delete("/api/admin/agents/legal/mcp", headers=admin())
    assert response.status_code == 404 and "has no MCP configuration" in response.json()["error"]["message"]


def test_only_admins_may_switch_a_config_off(client: TestClient, db) -> None:
    client.put("/api/admin/agents/regulations/mcp", json=BODY, headers=admin())
    assert client.delete("/api/admin/agents/regulations/mcp", headers=employee()).status_code == 403
    assert agent_configs.get_active(db, agent_type="regulations") is not None


def test_a_stored_config_the_deployment_cannot_run_is_flagged_in_the_listing(client: TestClient, db) -> None:
    client.put("/api/admin/agents/regulations/mcp", json=BODY, headers=admin())
    db.execute('UPDATE agent_mcp_configs SET config_data = \'{"servers": [{"name": 1}]}\'::jsonb')

    listed = client.get("/api/admin/agents", headers=admin()).json()["items"][0]

    assert listed["active"] and listed["servers"] == []
    assert listed["problems"][0].startswith("stored MCP configuration is invalid: servers.0")
