"""A turn whose Express execution ended without an answer (timed out: no Catch ran) is marked failed
and the user is told, by the socket that next resumes it, once the turn is past its deadline."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import make_token
from tests.integration.test_stream_replay import assert_quiet, until_closing

pytestmark = pytest.mark.integration


@pytest.fixture
def http(target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=target.base_url, timeout=60) as client:
        yield client


def _unanswered_turn(http: httpx.Client, db, *, asked_minutes_ago: int) -> str:
    """A stored question whose workflow never answered (as after an Express time-out)."""
    from portal.db.repositories import messages

    auth = {"Authorization": f"Bearer {make_token()}"}
    conversation = http.post("/api/conversations", json={}, headers=auth).json()
    turn_id = str(uuid.uuid4())
    messages.add_user_message(
        db,
        conversation_id=conversation["id"],
        turn_id=turn_id,
        content="질문입니다",
        metadata={"options": {}},
    )
    db.execute(
        "UPDATE messages SET created_at = now() - make_interval(mins => :minutes) WHERE turn_id = :turn_id::uuid",
        {"minutes": asked_minutes_ago, "turn_id": turn_id},
    )
    return turn_id


def test_resuming_a_turn_past_its_deadline_marks_it_failed_and_tells_the_user(target, http, db) -> None:
    from portal.agents.failure import USER_MESSAGE_KO
    from portal.db.repositories import messages

    # Given a question asked six minutes ago (past Express's 5 minutes) that was never answered
    turn_id = _unanswered_turn(http, db, asked_minutes_ago=6)

    # When the user's screen resumes the turn
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        events = until_closing(ws, turn_id)

    # Then the socket is told in Korean, and the turn is stored as failed, saying why
    assert events[-1]["type"] == "error" and events[-1]["code"] == "turn_failed"
    assert events[-1]["message"] == USER_MESSAGE_KO
    # The socket is told first, then the failure is recorded (portal.agents.completion.fail_turn)
    deadline = time.monotonic() + 15
    while (answer := messages.get_turn_message(db, turn_id=turn_id, role="assistant")) is None:
        assert time.monotonic() < deadline, "the failure was never recorded"
        time.sleep(0.1)
    assert answer.status == "failed"
    assert answer.metadata["error"].startswith("States.Timeout")


def test_a_repaired_turn_is_repaired_once(target, http, db) -> None:
    from portal.db.repositories import messages

    # Given an overdue turn that one resume already repaired
    turn_id = _unanswered_turn(http, db, asked_minutes_ago=6)
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        first = until_closing(ws, turn_id)[-1]

    # When another screen resumes it
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        second = until_closing(ws, turn_id)[-1]

    # Then it gets the same closing error, about the same single failed answer
    assert second["message_id"] == first["message_id"]
    assert (
        db.fetch_one(
            "SELECT count(*) AS n FROM messages WHERE turn_id = :t::uuid AND role = 'assistant'",
            {"t": turn_id},
        )["n"]
        == 1
    )
    assert messages.get_turn_message(db, turn_id=turn_id, role="assistant").status == "failed"


def test_a_turn_within_its_deadline_is_left_running(target, http, db) -> None:
    from portal.db.repositories import messages

    # Given a question asked a minute ago, still unanswered (its worker may still be running)
    turn_id = _unanswered_turn(http, db, asked_minutes_ago=1)

    # When the user's screen resumes it
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        # Then the socket is subscribed to the live stream: no error, nothing stored
        assert_quiet(ws)
    assert messages.get_turn_message(db, turn_id=turn_id, role="assistant") is None


def test_listing_a_conversation_repairs_its_overdue_turn_and_tells_the_open_socket(target, http, db) -> None:
    from portal.agents.failure import USER_MESSAGE_KO

    # Given a socket that stayed open while its turn's execution died without an answer
    turn_id = _unanswered_turn(http, db, asked_minutes_ago=6)
    conversation_id = db.fetch_one(
        "SELECT conversation_id::text AS c FROM messages WHERE turn_id = :t::uuid", {"t": turn_id}
    )["c"]
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        # When the UI's watchdog re-reads the quiet conversation over REST
        listed = http.get(
            f"/api/conversations/{conversation_id}/messages",
            headers={"Authorization": f"Bearer {make_token()}"},
        )

        # Then the answer it reads is the failed one, in Korean, and the open socket hears the error
        assert listed.status_code == 200
        answer = [m for m in listed.json()["items"] if m["role"] == "assistant"]
        assert [(m["status"], m["content"]) for m in answer] == [("failed", USER_MESSAGE_KO)]
        closing = json.loads(ws.recv(timeout=10))
        assert (closing["type"], closing["code"], closing["turn_id"]) == ("error", "turn_failed", turn_id)


def test_listing_a_conversation_leaves_a_running_turn_alone(target, http, db) -> None:
    # Given a turn asked a minute ago, still within its deadline
    turn_id = _unanswered_turn(http, db, asked_minutes_ago=1)
    conversation_id = db.fetch_one(
        "SELECT conversation_id::text AS c FROM messages WHERE turn_id = :t::uuid", {"t": turn_id}
    )["c"]

    # When the conversation is listed
    listed = http.get(
        f"/api/conversations/{conversation_id}/messages",
        headers={"Authorization": f"Bearer {make_token()}"},
    )

    # Then only the question is there: nothing was failed early
    assert [m["role"] for m in listed.json()["items"]] == ["user"]
