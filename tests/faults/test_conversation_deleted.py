"""Deleting a conversation while its turn streams: the turn stops first, the user is told, and
nothing of it is left (no foreign-key failure leaves the socket waiting)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import make_token
from tests.faults.conftest import (
    assert_nothing_more,
    auth,
    events_until_closing,
    execution_ended,
    next_turn_event,
    recv,
    start_turn,
    wait_for,
)
from tests.integration.test_stream_replay import GatedModel

pytestmark = pytest.mark.integration


@pytest.fixture
def http(target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=target.base_url, timeout=60) as client:
        yield client


def test_deleting_a_conversation_mid_turn_stops_the_turn_and_tells_the_socket(
    target, http, db, monkeypatch
) -> None:
    from portal.agents.completion import DELETED_MESSAGE_KO
    from portal.llm import service

    # Given a turn that has streamed its first chunks and is still running
    model = GatedModel(
        [f"삭제 전에 보낸 문장 {n}번입니다. 충분히 깁니다. " for n in range(3)], ["삭제 후의 문장"] * 5
    )
    monkeypatch.setattr(service, "providers", lambda: {"offline": model})
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        conversation_id, turn_id = start_turn(http)
        first = next_turn_event(ws)
        assert first["type"] == "chunk" and first["seq"] == 1

        # When the user deletes the conversation, then the model would go on
        deleted = http.delete(f"/api/conversations/{conversation_id}", headers=auth())
        model.gate.set()

        # Then the delete succeeds and the socket's turn ends with a Korean "deleted" error
        assert deleted.status_code == 204
        events = [first, *events_until_closing(ws, turn_id)]
        assert events[-1]["type"] == "error" and events[-1]["code"] == "conversation_deleted"
        assert events[-1]["message"] == DELETED_MESSAGE_KO
        # and no second closing event follows; the worker stops at its next look at the turn's
        # header (every 0.5 s, portal.realtime.stream), so at most the chunks it posted before
        # that look arrive after the error, and nothing once its execution has ended
        wait_for(lambda: execution_ended(turn_id), what="the chat execution to end")
        ws.send(json.dumps({"action": "ping"}))
        late = []
        while (event := recv(ws))["type"] != "pong":
            late.append(event)
        assert all(e["type"] == "chunk" and e["turn_id"] == turn_id for e in late), late
        assert_nothing_more(ws)

    # And nothing of the conversation is stored
    rows = db.fetch_all("SELECT id FROM messages WHERE conversation_id = :id::uuid", {"id": conversation_id})
    assert rows == []
    assert http.get(f"/api/conversations/{conversation_id}", headers=auth()).status_code == 404


def test_deleting_a_conversation_with_no_running_turn_sends_nothing(target, http, monkeypatch) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    monkeypatch.setattr(
        service, "providers", lambda: {"offline": ScriptedModel(["이미 끝난 답변"], name="offline")}
    )
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        conversation_id, turn_id = start_turn(http)
        assert events_until_closing(ws, turn_id)[-1]["type"] == "done"
        assert http.delete(f"/api/conversations/{conversation_id}", headers=auth()).status_code == 204
        assert_nothing_more(ws)
