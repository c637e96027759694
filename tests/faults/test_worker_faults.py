"""A worker that raises before, during or after streaming: the user always gets one closing
event, and what is stored matches what they saw."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import make_token
from tests.faults.conftest import assert_nothing_more, events_until_closing, start_turn

pytestmark = pytest.mark.integration


@pytest.fixture
def http(target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=target.base_url, timeout=60) as client:
        yield client


def _script(monkeypatch: pytest.MonkeyPatch, item: object) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    model = ScriptedModel([item], name="offline", chunk_size=6)  # type: ignore[list-item]
    monkeypatch.setattr(service, "providers", lambda: {"offline": model})


def _answer(turn_id: str):
    from portal import services
    from portal.db.repositories import messages

    return messages.get_turn_message(services.db(), turn_id=turn_id, role="assistant")


def test_a_worker_that_raises_before_streaming_ends_the_turn_with_a_korean_error(
    target, http, monkeypatch
) -> None:
    from portal.agents.completion import USER_MESSAGE_KO

    # Given a model that fails before writing anything
    _script(monkeypatch, RuntimeError("provider exploded"))
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        # When the user asks
        _, turn_id = start_turn(http)
        events = events_until_closing(ws, turn_id)
        assert_nothing_more(ws)

    # Then they see one Korean error and nothing else; the turn is stored failed
    assert [e["type"] for e in events] == ["error"]
    assert events[0]["code"] == "turn_failed" and events[0]["message"] == USER_MESSAGE_KO
    assert events[0]["last_seq"] == 0
    stored = _answer(turn_id)
    assert stored is not None and stored.status == "failed" and stored.content == USER_MESSAGE_KO


def test_a_worker_that_raises_mid_stream_ends_after_the_chunks_it_sent(target, http, monkeypatch) -> None:
    # Given a model that streams part of an answer, then fails
    _script(
        monkeypatch,
        ("절반쯤 답하다가 중간에 멈추는 답변입니다. 여기까지만 전송됩니다. ", RuntimeError("cut")),
    )
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        _, turn_id = start_turn(http)
        events = events_until_closing(ws, turn_id)
        assert_nothing_more(ws)

    # Then the chunks arrive once each, in order, and the error says how many there were
    chunks = [e for e in events if e["type"] == "chunk"]
    assert chunks and [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert events[-1]["type"] == "error" and events[-1]["last_seq"] == len(chunks)
    stored = _answer(turn_id)
    assert stored is not None and stored.status == "failed"


def test_a_worker_that_raises_after_its_answer_is_stored_ends_with_done_only(
    target, http, monkeypatch
) -> None:
    from portal.agents import profile

    # Given a worker whose bookkeeping after the answer fails (the Catch runs after `done` went out)
    reply = "끝까지 답한 뒤에 후처리가 실패합니다."
    _script(monkeypatch, reply)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("profile store down")

    monkeypatch.setattr(profile, "record_turn", broken)
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        _, turn_id = start_turn(http)
        events = events_until_closing(ws, turn_id)
        assert_nothing_more(ws, wait=1.0)  # the failure handler must not send an error after done

    # Then the user sees the answer and done once; the stored answer stays completed
    assert events[-1]["type"] == "done"
    assert "".join(e["text"] for e in events if e["type"] == "chunk") == reply
    stored = _answer(turn_id)
    assert stored is not None and stored.status == "completed" and stored.content == reply
