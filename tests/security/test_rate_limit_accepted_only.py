"""Only accepted requests use up a rate limit (issue #11, item 4; the audit's finding: "requests
that failed with a 500 (nothing stored) still used up the hour's quota").

Real embedded PostgreSQL and moto's DynamoDB; the chat send is the costly family, so it is the
one proven here: sends the server could not start (503, nothing stored) and sends refused for
bad input (4xx) leave the hour's quota whole, and the counter in DynamoDB says so.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration

CHAT_LIMIT = 2


class RefusingLauncher:
    """Step Functions refusing the start: the route answers 503 and stores nothing."""

    def start(self, turn: object) -> None:
        from botocore.exceptions import ClientError

        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "StartExecution"
        )


class AcceptingLauncher:
    """A workflow start that is accepted (the turn itself is not the point here)."""

    def start(self, turn: object) -> None:
        return None


class BrokenLauncher:
    """A fault nobody mapped: the exception escapes the route and the API answers 500."""

    def start(self, turn: object) -> None:
        raise RuntimeError("unexpected fault in the launcher")


@pytest.fixture
def client(app_database_url: str, aws: dict, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from portal.api.app import create_app
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_CHAT_RATE_LIMIT_PER_HOUR", str(CHAT_LIMIT))
    reset_settings()
    # raise_server_exceptions=False: a 500 is answered as in production, not re-raised here.
    return TestClient(create_app(), raise_server_exceptions=False)


def me(empno: str = "E1001") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(empno, '홍길동')}"}


def chat_count(empno: str = "E1001") -> int:
    """What the chat counter of this user holds in DynamoDB (summed over windows: one here)."""
    from portal import aws
    from portal.settings import get_settings

    table = aws.dynamodb_table(get_settings().rate_limit_table)
    items: list[dict[str, Any]] = table.scan()["Items"]
    return sum(int(i["count"]) for i in items if str(i["pk"]).startswith(f"api-chat#{empno}#"))


def stored_messages(database_url: str) -> int:
    """Every stored message, read as the database's owner (the app role sees only its rows)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM messages").fetchone()
    return int(row[0]) if row else 0


def send(client: TestClient, conversation_id: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"content": "안녕하세요"} if body is None else body,
        headers=me(),
    )


def new_conversation(client: TestClient) -> str:
    created = client.post("/api/conversations", json={}, headers=me())
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_sends_that_failed_or_were_refused_do_not_use_up_the_chat_quota(
    client: TestClient, admin_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal import services

    conversation = new_conversation(client)
    before = stored_messages(admin_database_url)

    # Given the chat workflow cannot start: every send fails server-side and stores nothing
    monkeypatch.setattr(services, "launcher", functools.cache(RefusingLauncher))
    for _ in range(CHAT_LIMIT + 1):
        failed = send(client, conversation)
        assert failed.status_code == 503, failed.text
        assert "nothing was stored" in failed.json()["error"]["message"]
    # and sends refused for bad input (4xx): empty, malformed, unknown model, not the caller's
    refused = [
        send(client, conversation, {"content": "   "}).status_code,
        send(client, conversation, {"content": 3}).status_code,
        send(client, conversation, {"content": "안녕", "model": "no-such-model"}).status_code,
        send(client, "00000000-0000-0000-0000-000000000000").status_code,
    ] * CHAT_LIMIT
    assert all(400 <= code < 500 and code != 429 for code in refused), refused

    # Then none of them was stored, and none of them was counted
    assert stored_messages(admin_database_url) == before
    assert chat_count() == 0

    # And an unexpected fault (500) is not counted either. (It is the route's to undo what it
    # stored; portal.api.routes.messages.launch undoes only ClientError/NotConfigured today.)
    monkeypatch.setattr(services, "launcher", functools.cache(BrokenLauncher))
    for _ in range(CHAT_LIMIT + 1):
        assert send(client, new_conversation(client)).status_code == 500
    assert chat_count() == 0

    # When the workflow starts again, the user has the whole hour's quota: exactly CHAT_LIMIT sends
    monkeypatch.setattr(services, "launcher", functools.cache(AcceptingLauncher))
    accepted = [send(client, new_conversation(client)).status_code for _ in range(CHAT_LIMIT)]
    assert accepted == [202] * CHAT_LIMIT
    assert chat_count() == CHAT_LIMIT

    # And the next send is refused with 429, Retry-After and a Korean message, and stores nothing
    stored = stored_messages(admin_database_url)
    limited = send(client, new_conversation(client))
    assert limited.status_code == 429, limited.text
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    error = limited.json()["error"]
    assert error["code"] == "rate_limited" and error["family"] == "chat" and error["limit"] == CHAT_LIMIT
    assert (
        f"채팅 메시지 한도(시간당 {CHAT_LIMIT}회)" in error["message"]
        and "다시 시도해 주세요" in error["message"]
    )
    assert stored_messages(admin_database_url) == stored
    assert chat_count() == CHAT_LIMIT  # a refusal is not counted either


def test_a_failed_send_after_the_quota_is_used_is_still_refused(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal import services

    # Given a user who used the hour's chat quota
    monkeypatch.setattr(services, "launcher", functools.cache(AcceptingLauncher))
    assert [send(client, new_conversation(client)).status_code for _ in range(CHAT_LIMIT)] == [
        202
    ] * CHAT_LIMIT
    # When the workflow then fails: refusals stay refusals (a refund never gives back a slot that
    # an accepted send holds), and another user is unaffected
    monkeypatch.setattr(services, "launcher", functools.cache(RefusingLauncher))
    conversation = new_conversation(client)
    assert [send(client, conversation).status_code for _ in range(2)] == [429, 429]
    assert chat_count() == CHAT_LIMIT
    other = client.post("/api/conversations", json={}, headers=me("E2002")).json()["id"]
    assert (
        client.post(
            f"/api/conversations/{other}/messages", json={"content": "안녕"}, headers=me("E2002")
        ).status_code
        == 503
    )
    assert chat_count("E2002") == 0


def test_regenerate_and_edit_count_against_the_chat_limit(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal import services

    # Given a user whose turns start (and are stopped, so that they can be regenerated or edited)
    monkeypatch.setattr(services, "launcher", functools.cache(AcceptingLauncher))
    conversation = new_conversation(client)
    turn = send(client, conversation).json()["turn_id"]
    base = f"/api/conversations/{conversation}/turns"

    def stopped(turn_id: str) -> str:
        assert client.post(f"{base}/{turn_id}/stop", headers=me()).status_code == 200
        return turn_id

    # When they regenerate an answer: a model call like a new message, so one more chat call
    regenerated = client.post(f"{base}/{stopped(turn)}/regenerate", json={}, headers=me())
    assert regenerated.status_code == 202, regenerated.text
    assert chat_count() == CHAT_LIMIT
    # Then editing and resending the question is past the chat limit: 429, in Korean
    edited = client.post(
        f"{base}/{stopped(regenerated.json()['turn_id'])}/edit", json={"content": "다시"}, headers=me()
    )
    assert edited.status_code == 429, edited.text
    assert edited.json()["error"]["family"] == "chat" and "Retry-After" in edited.headers
    assert "채팅 메시지 한도" in edited.json()["error"]["message"]


def test_every_route_that_starts_a_turn_is_in_the_chat_family() -> None:
    """A new route that launches a turn (a model call) cannot slip into the larger default family."""
    import importlib
    import inspect

    from fastapi.routing import APIRoute
    from portal.api.app import ALL_ROUTE_MODULES
    from portal.api.ratelimit import family_of

    # Each module's own router: its paths are the ones family_of is keyed by (no /api prefix).
    routes = [
        route
        for name in ALL_ROUTE_MODULES
        for route in importlib.import_module(f"portal.api.routes.{name}").router.routes
        if isinstance(route, APIRoute)
    ]
    starting = {
        (method, route.path)
        for route in routes
        if "launch(" in inspect.getsource(route.endpoint)
        for method in route.methods
    }
    assert len(starting) >= 3  # message, regenerate, edit
    assert {key: family_of(*key) for key in starting} == dict.fromkeys(starting, "chat")


def test_no_websocket_action_starts_a_turn() -> None:
    """The per-user limits are counted on the REST routes; the socket carries no action that
    starts a turn (sending is REST only). The one socket action that writes, `stop`, ends a turn
    the user already has (once: a second stop is 409 and writes nothing), so its writes are bounded
    by the chat limit. A new action must be classified here, and limited if it starts turns."""
    from portal.realtime.routes import ACTIONS

    not_starting_turns = {"auth", "ping", "join", "leave", "resume", "stop"}
    assert set(ACTIONS) == not_starting_turns
