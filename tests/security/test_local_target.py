"""The local target is reachable only from its own origin: loopback by default, a foreign Host
(DNS rebinding) or Origin (another web page) is refused, and stdio MCP needs the developer's opt-in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.conftest import make_token

pytestmark = pytest.mark.integration
LOCAL = "http://127.0.0.1:8000"  # the default issuer's origin


@pytest.fixture
def client() -> TestClient:
    """The local server's app; refused requests never reach the database, so none is started."""
    from portal.local.server import create_local_app

    return TestClient(create_local_app(), base_url=LOCAL)


def test_the_local_target_and_portal_dev_listen_on_loopback_by_default() -> None:
    import argparse

    from portal.cli import dev
    from portal.local.target import LocalTarget

    assert LocalTarget(port=1).host == "127.0.0.1"
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    dev.register(commands, commands)
    assert parser.parse_args(["dev"]).host == "127.0.0.1"


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"])
def test_its_own_origin_is_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["attacker.example:8000", "127.0.0.1.nip.io:8000", "localhost:9999", ""])
def test_a_foreign_host_is_refused(client: TestClient, host: str) -> None:
    response = client.get("/api/health", headers={"Host": host})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "foreign_origin"


def test_a_rebinding_page_cannot_reach_the_issuer_or_the_api(client: TestClient) -> None:
    # The issuer's login form and the API both sit behind the same check.
    for path in ("/oidc/.well-known/openid-configuration", "/api/me", "/config.json"):
        assert client.get(path, headers={"Host": "rebind.attacker.example:8000"}).status_code == 403


@pytest.mark.parametrize("origin", ["http://attacker.example", "null", "http://127.0.0.1:9999"])
def test_a_foreign_origin_is_refused(client: TestClient, origin: str) -> None:
    response = client.post("/api/conversations", json={}, headers={"Origin": origin})
    assert response.status_code == 403


@pytest.mark.parametrize("origin", [LOCAL, "http://localhost:5173"])
def test_the_portal_page_and_the_vite_dev_server_are_let_through(client: TestClient, origin: str) -> None:
    # Past the guard, the API itself answers (401: no token).
    assert client.post("/api/conversations", json={}, headers={"Origin": origin}).status_code == 401


def test_a_socket_from_a_foreign_origin_is_closed(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect(f"/ws?token={make_token()}", headers={"Origin": "http://attacker.example"}),
    ):
        pass


def test_an_allowed_lan_name_is_answered(monkeypatch) -> None:
    from portal.local.server import create_local_app
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_LOCAL_ALLOWED_HOSTS", '["devbox.lan:8000"]')
    reset_settings()
    client = TestClient(create_local_app(), base_url="http://devbox.lan:8000")
    assert client.get("/api/health").status_code == 200


def test_stdio_mcp_is_refused_locally_without_the_opt_in(database_url: str, aws: dict) -> None:
    from portal.local.server import create_local_app

    client = TestClient(create_local_app(), base_url=LOCAL)
    admin = {"Authorization": f"Bearer {make_token('A0001', '관리자', admin=True)}"}
    body = {"name": "셸", "config_data": {"servers": [{"name": "sh", "transport": "stdio", "command": "id"}]}}
    response = client.put("/api/admin/agents/tax/mcp", json=body, headers=admin)
    assert response.status_code == 422
    assert "PORTAL_MCP_ALLOW_STDIO=true" in response.json()["error"]["message"]
