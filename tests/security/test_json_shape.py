"""The JSON-shape guard (portal.shape): depth, size and NUL in REST bodies, query strings and
WebSocket frames. Bad shape is 422 / an `error` event and nothing is stored."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from portal import shape

from tests.conftest import make_token

pytestmark = pytest.mark.integration


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


# --- the rules, without a database -----------------------------------------------------------


def test_raw_depth_ignores_brackets_inside_strings() -> None:
    assert shape.raw_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert shape.raw_depth('"\\"[["') == 0


@pytest.mark.parametrize("depth", [33, 900, 15_000])
def test_loads_refuses_deep_json_without_recursing(depth: int) -> None:
    with pytest.raises(shape.ShapeRejected) as refused:
        shape.loads("[" * depth + "]" * depth)
    assert refused.value.status_code == 422


def test_loads_accepts_the_allowed_depth() -> None:
    assert shape.loads(json.dumps(nested(shape.MAX_DEPTH))) == nested(shape.MAX_DEPTH)


@pytest.mark.parametrize("value", [{"k": "a\x00b"}, {"a\x00": 1}, ["x", ["\x00"]]])
def test_check_value_refuses_nul_in_strings_and_keys(value: object) -> None:
    with pytest.raises(shape.ShapeRejected):
        shape.check_value(value)


# --- REST ------------------------------------------------------------------------------------


@pytest.fixture
def client(app_database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


@pytest.fixture
def alice(client: TestClient) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token('E1001', '홍길동')}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


@pytest.fixture
def guarded() -> TestClient:
    """The app with no database: the guard refuses before any route (or the database) is reached."""
    from portal.api.app import create_app

    return TestClient(create_app())


def test_deep_workspace_settings_are_refused_and_the_list_still_answers(
    client: TestClient, alice: dict, db
) -> None:
    # Given a public workspace whose settings nest 900 levels (the stored denial of service)
    body = {"title": "깊은 설정", "visibility": "public", "settings": nested(900)}
    # When it is created
    response = client.post("/api/workspaces", json=body, headers=alice)
    # Then it is refused with a clear 422 and nothing is stored; everyone's list still answers
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_shape"
    assert db.fetch_one("SELECT count(*) AS n FROM workspaces")["n"] == 0
    assert client.get("/api/workspaces", headers=alice).status_code == 200


def test_deep_settings_are_refused_on_update_too(client: TestClient, alice: dict) -> None:
    created = client.post("/api/workspaces", json={"title": "설정"}, headers=alice).json()
    response = client.patch(f"/api/workspaces/{created['id']}", json={"settings": nested(100)}, headers=alice)
    assert response.status_code == 422
    assert client.get(f"/api/workspaces/{created['id']}", headers=alice).json()["settings"] == {}


def test_deep_artifact_metadata_is_refused(client: TestClient, alice: dict, db) -> None:
    space = client.post("/api/workspaces", json={"title": "산출물"}, headers=alice).json()["id"]
    body = {"type": "document", "title": "문서", "content": "본문", "metadata": nested(500)}
    response = client.post(f"/api/workspaces/{space}/artifacts", json=body, headers=alice)
    assert response.status_code == 422
    assert db.fetch_one("SELECT count(*) AS n FROM artifacts")["n"] == 0
    assert client.get(f"/api/workspaces/{space}/artifacts", headers=alice).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/conversations", {"title": "제목\x00"}),
        ("/api/workspaces", {"title": "작업\x00공간"}),
        ("/api/workspaces", {"title": "설정", "settings": {"theme\x00": "dark"}}),
        ("/api/workspaces", {"title": "설정", "settings": {"theme": "da\x00rk"}}),
    ],
)
def test_nul_characters_are_422_not_500(guarded: TestClient, path: str, body: dict) -> None:
    response = guarded.post(path, json=body, headers={"Authorization": f"Bearer {make_token()}"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_shape"


def test_nul_in_a_message_or_artifact_content_is_422(client: TestClient, alice: dict, db) -> None:
    conversation = client.post("/api/conversations", json={}, headers=alice).json()["id"]
    said = client.post(
        f"/api/conversations/{conversation}/messages", json={"content": "안녕\x00"}, headers=alice
    )
    assert said.status_code == 422
    space = client.post("/api/workspaces", json={"title": "산출물"}, headers=alice).json()["id"]
    body = {"type": "document", "title": "문서", "content": "본\x00문"}
    assert client.post(f"/api/workspaces/{space}/artifacts", json=body, headers=alice).status_code == 422
    assert db.fetch_one("SELECT count(*) AS n FROM messages")["n"] == 0


def test_nul_in_the_query_string_is_422(guarded: TestClient) -> None:
    response = guarded.get("/api/files?workspace_id=%00", headers={"Authorization": f"Bearer {make_token()}"})
    assert response.status_code == 422


def test_an_oversized_body_is_413(guarded: TestClient) -> None:
    from portal.api.shape_guard import MAX_BODY_BYTES

    body = json.dumps({"title": "x", "description": "y" * (MAX_BODY_BYTES + 1)})
    response = guarded.post("/api/workspaces", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_malformed_json_is_still_400(client: TestClient, alice: dict) -> None:
    response = client.post(
        "/api/workspaces", content=b"{", headers={**alice, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


# --- WebSocket frames --------------------------------------------------------------------------


def _frame(body: str, connection_id: str = "conn-1") -> dict:
    return {"requestContext": {"connectionId": connection_id, "routeKey": "$default"}, "body": body}


def test_a_15000_deep_frame_gets_an_error_event(aws: dict, sender) -> None:
    from portal.realtime import routes

    body = '{"action": "ping", "x": ' + "[" * 15_000 + "]" * 15_000 + "}"
    answer = routes.handle_default(_frame(body))
    assert answer["statusCode"] == 200
    [event] = sender.events("conn-1")
    assert event["type"] == "error" and event["code"] == "invalid_shape"


def test_a_frame_with_nul_gets_an_error_event(aws: dict, sender) -> None:
    from portal import services
    from portal.realtime import routes

    services.connections().add(connection_id="conn-1", user_empno="E1001", token_exp=time.time() + 600)
    routes.handle_default(_frame(json.dumps({"action": "join", "workspace_id": "\x00"})))
    [event] = sender.events("conn-1")
    assert event["code"] == "invalid_shape"
