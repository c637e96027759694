"""Launching a stored turn (portal.api.launch): it is marked open, then its question is announced,
then its workflow is started; each step waits for the one before, so the sweep knows every started
turn and every socket has the question before a chunk of its answer can exist."""

from __future__ import annotations

import functools
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


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token()}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


def _turn(turn_id: str | None = None):  # type: ignore[no-untyped-def]
    from portal.agents.turn import TurnInput

    return TurnInput(
        turn_id=turn_id or str(uuid.uuid4()),
        conversation_id=str(uuid.uuid4()),
        message_id=str(uuid.uuid4()),
        empno="E1001",
    )


def _is_open(turn_id: str) -> bool:
    from portal.agents import open_turns

    later = time.time() + open_turns.TURN_DEADLINE.total_seconds() + 1
    return turn_id in {t.turn_id for t in open_turns.overdue(now=later)}


def test_a_turn_is_marked_open_then_announced_then_started(
    client: TestClient, auth: dict[str, str], monkeypatch
) -> None:
    from portal import services
    from portal.realtime import broadcast

    steps: list[tuple[str, bool]] = []  # (step, was the turn marked open when it began)
    announce = broadcast.message_created

    def announced(message, **kwargs):  # type: ignore[no-untyped-def]
        steps.append(("announced", _is_open(str(message.turn_id))))
        return announce(message, **kwargs)

    class RecordingLauncher:
        def start(self, turn) -> str:  # type: ignore[no-untyped-def]
            steps.append(("started", _is_open(turn.turn_id)))
            return f"arn:aws:states:local:0:execution:chat:{turn.turn_id}"

    monkeypatch.setattr(broadcast, "message_created", announced)
    monkeypatch.setattr(services, "launcher", functools.cache(RecordingLauncher))
    conversation = client.post("/api/conversations", json={}, headers=auth).json()

    # When the user sends a message
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": "안녕하세요"}, headers=auth
    )

    # Then the question is announced only once the turn is marked open, and the workflow is
    # started only after the announcement returned (the answer's chunks come from the workflow)
    assert response.status_code == 202, response.text
    assert steps == [("announced", True), ("started", True)]


def test_a_turn_that_cannot_be_marked_open_is_neither_announced_nor_started_nor_kept(
    client: TestClient, auth: dict[str, str], db, monkeypatch
) -> None:
    from botocore.exceptions import ClientError
    from portal import services
    from portal.agents import open_turns
    from portal.realtime import broadcast

    def throttled(turn, **kwargs):  # type: ignore[no-untyped-def]
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutItem")

    class RecordingLauncher:
        started: list[str] = []

        def start(self, turn) -> str:  # type: ignore[no-untyped-def]
            self.started.append(turn.turn_id)
            return "arn"

    announced: list[object] = []
    monkeypatch.setattr(open_turns, "mark_open", throttled)
    monkeypatch.setattr(broadcast, "message_created", lambda *a, **k: announced.append(a))
    monkeypatch.setattr(services, "launcher", functools.cache(RecordingLauncher))
    conversation = client.post("/api/conversations", json={}, headers=auth).json()

    # When the user sends a message and DynamoDB refuses the open marker
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": "안녕하세요"}, headers=auth
    )

    # Then they are told nothing was stored, and nothing was
    assert response.status_code == 503 and "nothing was stored" in response.json()["error"]["message"]
    assert db.fetch_one("SELECT count(*) AS n FROM messages")["n"] == 0
    assert announced == [] and RecordingLauncher.started == []


def test_a_new_turn_is_marked_open_until_it_is_settled(aws: dict) -> None:
    from portal import aws as portal_aws
    from portal.agents import open_turns
    from portal.settings import get_settings

    turn = _turn()
    open_turns.mark_open(turn)
    header = portal_aws.dynamodb_table(get_settings().stream_table).get_item(
        Key={"turn_id": turn.turn_id, "seq": 0}
    )["Item"]
    assert header["open_turn"] == open_turns.OPEN and int(header["ttl"]) > time.time()
    assert _is_open(turn.turn_id)

    open_turns.settle(turn.turn_id)
    assert not _is_open(turn.turn_id)


def test_marking_a_turn_open_keeps_a_socket_that_resumed_it_first(aws: dict) -> None:
    from portal import aws as portal_aws
    from portal.agents import open_turns
    from portal.realtime.stream import subscribe
    from portal.settings import get_settings

    # Given a socket that found the stored question and resumed its turn before it was marked
    table = portal_aws.dynamodb_table(get_settings().stream_table)
    turn = _turn()
    assert subscribe(table, turn_id=turn.turn_id, connection_id="other-tab=", after_seq=0, ttl_seconds=900)

    # When the API marks the turn open
    open_turns.mark_open(turn)

    # Then the turn is open and the socket's subscription is still there for the stream to serve
    header = table.get_item(Key={"turn_id": turn.turn_id, "seq": 0})["Item"]
    assert header["subscribers"] == [{"connection_id": "other-tab=", "after_seq": 0}]
    assert _is_open(turn.turn_id)


def test_a_turn_that_cannot_start_leaves_the_conversation_showing_its_earlier_turns(
    client: TestClient, auth: dict[str, str], db, monkeypatch
) -> None:
    from botocore.exceptions import ClientError
    from portal import services
    from portal.db.repositories import messages

    # Given a conversation with an answered turn
    conversation = client.post("/api/conversations", json={}, headers=auth).json()["id"]
    first = str(uuid.uuid4())
    messages.add_user_message(db, conversation_id=conversation, turn_id=first, content="첫 질문", metadata={})
    messages.save_assistant_message(
        db,
        conversation_id=conversation,
        turn_id=first,
        content="첫 답",
        status="completed",
        agent_type="general",
        model_used="offline",
    )

    class RefusingLauncher:
        def start(self, turn) -> str:  # type: ignore[no-untyped-def]
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "StartExecution")

    monkeypatch.setattr(services, "launcher", functools.cache(RefusingLauncher))

    # When the next question's workflow cannot be started
    response = client.post(
        f"/api/conversations/{conversation}/messages", json={"content": "두 번째 질문"}, headers=auth
    )

    # Then the conversation reads as before it was asked: the first turn is still the one shown
    assert response.status_code == 503
    shown = client.get(f"/api/conversations/{conversation}/messages", headers=auth).json()["items"]
    assert [m["content"] for m in shown] == ["첫 질문", "첫 답"]
