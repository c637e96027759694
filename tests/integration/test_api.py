"""REST API over real PostgreSQL and moto: conversations, messages, auth and bad input."""

from __future__ import annotations

import time
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _count(db, table: str) -> int:
    return db.fetch_one(f"SELECT count(*) AS n FROM {table}")["n"]


def _conversation(client: TestClient, auth: dict, **body: object) -> dict:
    response = client.post("/api/conversations", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


# --- health and identity -----------------------------------------------------------


def test_health_answers_without_auth(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_ready_checks_database_and_every_table(client: TestClient) -> None:
    response = client.get("/api/ready")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] is True
    assert {"table:connections", "table:cache", "table:stream"} <= set(checks)


def test_ready_is_503_when_a_table_is_missing(client: TestClient) -> None:
    import boto3

    boto3.client("dynamodb").delete_table(TableName="portal-stream-chunks")
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["table:stream"] is False


def test_me_provisions_the_user_from_token_claims(client: TestClient, db) -> None:
    response = client.get(
        "/api/me",
        headers={"Authorization": f"Bearer {make_token('E2002', '김철수', admin=True, department='AI팀')}"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "empno": "E2002",
        "name": "김철수",
        "department": "AI팀",
        "company": None,
        "company_code": "LOCAL",
        "roles": ["admin"],
        "is_admin": True,
    }
    assert db.fetch_one("SELECT name_ko FROM users WHERE empno = 'E2002'")["name_ko"] == "김철수"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic abc", "Bearer not-a-jwt", f"Bearer {make_token()}x"],
    ids=["missing", "empty", "wrong-scheme", "malformed", "bad-signature"],
)
def test_bad_tokens_are_401_and_provision_nobody(client: TestClient, db, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert _count(db, "users") == 0


def test_expired_token_is_401(client: TestClient) -> None:
    expired = make_token(ttl_seconds=-10)
    response = client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    # Korean first (the user reads it), the English reason after it for logs and support.
    assert (
        response.json()["error"]["message"]
        == "로그인이 만료되었습니다. 다시 로그인해 주세요. (Token expired)"
    )


# --- conversations ---------------------------------------------------------------------


def test_conversation_create_list_get_delete(client: TestClient, auth: dict) -> None:
    created = _conversation(client, auth, title="  첫 대화  ")
    assert created["title"] == "첫 대화"
    listed = client.get("/api/conversations", headers=auth).json()["items"]
    assert [c["id"] for c in listed] == [created["id"]]
    assert client.get(f"/api/conversations/{created['id']}", headers=auth).json()["id"] == created["id"]
    assert client.delete(f"/api/conversations/{created['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/conversations/{created['id']}", headers=auth).status_code == 404


def test_another_users_conversation_is_404_not_403(client: TestClient, auth: dict, db) -> None:
    mine = _conversation(client, auth)
    other = {"Authorization": f"Bearer {make_token('E9999', '이영희')}"}
    for method, path in [
        ("get", f"/api/conversations/{mine['id']}"),
        ("get", f"/api/conversations/{mine['id']}/messages"),
        ("delete", f"/api/conversations/{mine['id']}"),
    ]:
        response = client.request(method, path, headers=other)
        assert response.status_code == 404, path
    response = client.post(f"/api/conversations/{mine['id']}/messages", json={"content": "hi"}, headers=other)
    assert response.status_code == 404
    assert _count(db, "conversations") == 1 and _count(db, "messages") == 0


# Fixed values: random ones would give each xdist worker different test ids (uuid4: an unknown id).
@pytest.mark.parametrize(
    "conversation_id", ["5f0c6a44-8e1b-4d6f-9a53-2f4e8c1d7b90", "not-a-uuid", "1;DROP TABLE users"]
)
def test_unknown_conversation_is_404(client: TestClient, auth: dict, conversation_id: str) -> None:
    response = client.get(f"/api/conversations/{conversation_id}", headers=auth)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Conversation not found"


def test_conversation_in_unknown_workspace_is_404_and_not_created(client: TestClient, auth: dict, db) -> None:
    response = client.post("/api/conversations", json={"workspace_id": str(uuid.uuid4())}, headers=auth)
    assert response.status_code == 404
    assert _count(db, "conversations") == 0


# --- messages: bad input writes nothing -----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"content": ""}, 400, "bad_request"),
        ({"content": "   \n\t "}, 400, "bad_request"),
        ({"content": "가" * 10_001}, 413, "payload_too_large"),
        ({}, 422, "invalid_request"),
        ({"content": 5}, 422, "invalid_request"),
        ({"content": "hi", "agent": "hacker"}, 422, "invalid_request"),
        ({"content": "hi", "toggle": "everything"}, 422, "invalid_request"),
    ],
    ids=["empty", "whitespace", "too-long", "missing", "not-a-string", "unknown-agent", "unknown-toggle"],
)
def test_bad_messages_get_a_clear_error_and_write_nothing(
    client: TestClient,
    auth: dict,
    db,
    body: dict,
    status: int,
    code: str,
) -> None:
    conversation = _conversation(client, auth)
    response = client.post(f"/api/conversations/{conversation['id']}/messages", json=body, headers=auth)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert _count(db, "messages") == 0


def test_malformed_json_is_400(client: TestClient, auth: dict, db) -> None:
    conversation = _conversation(client, auth)
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages",
        content=b'{"content": "hi"',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert _count(db, "messages") == 0


def test_unknown_model_is_400_and_writes_nothing(client: TestClient, auth: dict, db) -> None:
    conversation = _conversation(client, auth)
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages",
        json={"content": "hi", "model": "gpt-99"},
        headers=auth,
    )
    assert response.status_code == 400
    assert "gpt-99" in response.json()["error"]["message"]
    assert _count(db, "messages") == 0


def test_message_is_stored_and_turn_started(client: TestClient, auth: dict, db) -> None:
    conversation = _conversation(client, auth)
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": "  안녕하세요  "}, headers=auth
    )
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] == "started" and accepted["conversation_id"] == conversation["id"]
    row = db.fetch_one(
        "SELECT content, turn_id, role FROM messages WHERE id = :id::uuid", {"id": accepted["message_id"]}
    )
    assert row == {"content": "안녕하세요", "turn_id": accepted["turn_id"], "role": "user"}
    # The untitled conversation is named after its first message.
    assert (
        client.get(f"/api/conversations/{conversation['id']}", headers=auth).json()["title"] == "안녕하세요"
    )
    _wait_for_answer(db, accepted["turn_id"])


def test_wait_true_answers_with_the_stored_assistant_message(client: TestClient, auth: dict) -> None:
    conversation = _conversation(client, auth)
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages?wait=true",
        json={"content": "안녕하세요"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["role"] == "assistant" and answer["status"] == "completed"
    assert answer["agent_type"] == "general" and answer["model_used"] == "offline"
    assert "오프라인" in answer["content"]
    assert answer["metadata"]["route"]["decided_by"] in {"classifier", "fallback"}
    listed = client.get(f"/api/conversations/{conversation['id']}/messages", headers=auth).json()["items"]
    assert [m["role"] for m in listed] == ["user", "assistant"]


def test_rate_limit_refuses_with_429_and_stores_nothing(
    client: TestClient,
    auth: dict,
    db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_CHAT_RATE_LIMIT_PER_HOUR", "1")
    reset_settings()
    conversation = _conversation(client, auth)
    url = f"/api/conversations/{conversation['id']}/messages"
    first = client.post(url, json={"content": "하나"}, headers=auth)
    assert first.status_code == 202
    _wait_for_answer(db, first.json()["turn_id"])
    response = client.post(url, json={"content": "둘"}, headers=auth)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert _count(db, "messages WHERE role = 'user'") == 1


@pytest.mark.iam_exempt("points the api at a state machine that does not exist, on purpose")
def test_a_workflow_that_cannot_start_leaves_no_message(
    client: TestClient,
    auth: dict,
    db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal import services
    from portal.settings import reset_settings

    monkeypatch.setenv(
        "PORTAL_CHAT_STATE_MACHINE_ARN", "arn:aws:states:ap-northeast-2:123456789012:stateMachine:gone"
    )
    reset_settings()
    services.launcher.cache_clear()
    conversation = _conversation(client, auth)
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": "hi"}, headers=auth
    )
    assert response.status_code == 503
    assert _count(db, "messages") == 0


def _wait_for_answer(db, turn_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = db.fetch_one(
            "SELECT status, content FROM messages WHERE turn_id = :t::uuid AND role = 'assistant'",
            {"t": turn_id},
        )
        if row:
            return row
        time.sleep(0.05)
    raise AssertionError("the turn produced no assistant message")
