"""Sockets that misbehave or vanish: a connection the management API calls gone (GoneException),
a socket dropped mid-turn without a close frame, binary frames, a lone surrogate in a resume."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import make_token
from tests.faults.conftest import (
    assert_nothing_more,
    auth,
    events_until_closing,
    next_turn_event,
    recv,
    start_turn,
    wait_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def http(target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=target.base_url, timeout=60) as client:
        yield client


def _script(monkeypatch: pytest.MonkeyPatch, reply: str) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    monkeypatch.setattr(
        service, "providers", lambda: {"offline": ScriptedModel([reply], name="offline", chunk_size=5)}
    )


def test_a_gone_connection_is_dropped_and_the_live_socket_gets_every_chunk(target, http, monkeypatch) -> None:
    from portal import services

    # Given a user with a live socket and a stale connection record (the management API says Gone)
    reply = "사라진 연결이 있어도 살아 있는 창은 답변을 모두 받습니다. " * 2
    _script(monkeypatch, reply)
    services.connections().add(connection_id="ghost=", user_empno="E1001")
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        # When a turn streams to both
        _, turn_id = start_turn(http)
        events = events_until_closing(ws, turn_id)

    # Then the live socket sees the whole answer once, in order, and the gone one is forgotten
    chunks = [e for e in events if e["type"] == "chunk"]
    assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert "".join(c["text"] for c in chunks) == reply and events[-1]["type"] == "done"
    assert services.connections().get("ghost=") is None


def test_a_socket_that_vanishes_mid_turn_does_not_stop_the_turn(target, http, db, monkeypatch) -> None:
    from portal.db.repositories import messages

    # Given a turn streaming to a socket that drops without a close frame
    reply = "창이 닫혀도 답변은 끝까지 저장됩니다. " * 4
    _script(monkeypatch, reply)
    ws = connect(f"{target.ws_url}?token={make_token()}")
    _, turn_id = start_turn(http)
    assert next_turn_event(ws)["type"] == "chunk"
    ws.socket.close()  # the TCP connection, not the WebSocket handshake: a vanished client

    # Then the turn still completes and is stored whole; a later screen can replay it
    wait_for(
        lambda: (
            (a := messages.get_turn_message(db, turn_id=turn_id, role="assistant")) is not None
            and a.status == "completed"
        ),
        what="the answer to be stored",
    )
    with connect(f"{target.ws_url}?token={make_token()}") as later:
        later.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        replayed = events_until_closing(later, turn_id)
    assert "".join(e["text"] for e in replayed if e["type"] == "chunk") == reply


def test_a_binary_frame_gets_an_error_and_a_proper_close(target) -> None:
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(b"\x00\x01binary")
        event = recv(ws)
        assert event["type"] == "error" and event["code"] == "binary_frame"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1003


def test_a_lone_surrogate_in_a_resume_gets_an_error_reply(target) -> None:
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send('{"action": "resume", "turn_id": "\\ud800", "after_seq": 0}')
        event = recv(ws)
        assert event["type"] == "error" and event["code"] == "not_found"
        assert_nothing_more(ws, wait=0)


def test_message_created_reaches_the_authors_other_sockets_outside_a_workspace(
    target, http, monkeypatch
) -> None:
    _script(monkeypatch, "다른 창에도 질문이 보입니다.")
    with connect(f"{target.ws_url}?token={make_token()}") as other_tab:
        conversation = http.post("/api/conversations", json={}, headers=auth()).json()
        accepted = http.post(
            f"/api/conversations/{conversation['id']}/messages",
            json={"content": "다른 창 질문"},
            headers=auth(),
        ).json()
        created = recv(other_tab)
        assert created["type"] == "message.created" and created["workspace_id"] is None
        assert created["turn_id"] == accepted["turn_id"] and created["message"]["content"] == "다른 창 질문"
        assert events_until_closing(other_tab, accepted["turn_id"])[-1]["type"] == "done"
