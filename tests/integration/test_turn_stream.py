"""A whole turn on the local target: REST -> state machine -> supervisor -> worker -> socket."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import make_token

pytestmark = pytest.mark.integration


def _events_until(ws, turn_id: str, final: set[str], timeout: float = 30.0) -> list[dict]:
    events: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if event.get("turn_id") == turn_id:
            events.append(event)
            if event["type"] in final:
                return events
    raise AssertionError(f"no {final} event for turn {turn_id}: {events}")


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch):
    """Replace the providers with a scripted fake answering as the offline model."""
    from portal.llm import service

    from tests.scripted import ScriptedModel

    def install(*replies: object) -> ScriptedModel:
        model = ScriptedModel(list(replies), name="offline", chunk_size=3)
        monkeypatch.setattr(service, "providers", lambda: {"offline": model})
        return model

    return install


def test_a_turn_streams_numbered_chunks_in_order_then_done(target, scripted) -> None:
    reply = "안녕하세요! 무엇을 도와드릴까요? 오늘도 좋은 하루 보내세요. " * 3
    model = scripted(reply)
    token = make_token()
    with (
        connect(f"{target.ws_url}?token={token}") as ws,
        httpx.Client(base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        conversation = http.post("/api/conversations", json={}).json()
        accepted = http.post(
            f"/api/conversations/{conversation['id']}/messages", json={"content": "안녕하세요"}
        )
        assert accepted.status_code == 202
        turn_id = accepted.json()["turn_id"]
        events = _events_until(ws, turn_id, {"done", "error"})

        chunks = [e for e in events if e["type"] == "chunk"]
        assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
        assert len(chunks) > 1
        assert "".join(c["text"] for c in chunks) == reply
        done = events[-1]
        assert done["type"] == "done" and done["last_seq"] == len(chunks)

        stored = http.get(f"/api/conversations/{conversation['id']}/messages").json()["items"]
        assert stored[-1]["id"] == done["message_id"]
        assert stored[-1]["content"] == reply and stored[-1]["agent_type"] == "general"
        assert stored[-1]["metadata"]["route"]["agent"] == "general"
    # The model saw the user's question as the last message.
    assert model.requests[0].messages[-1].content == "안녕하세요"


def test_every_socket_of_the_user_receives_the_stream(target, scripted) -> None:
    scripted("두 탭 모두에 보입니다.")
    token = make_token()
    with (
        connect(f"{target.ws_url}?token={token}") as tab1,
        connect(f"{target.ws_url}?token={token}") as tab2,
        connect(f"{target.ws_url}?token={make_token('E7777', '타인')}") as stranger,
        httpx.Client(base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        conversation = http.post("/api/conversations", json={}).json()
        turn_id = http.post(
            f"/api/conversations/{conversation['id']}/messages", json={"content": "hi"}
        ).json()["turn_id"]
        for tab in (tab1, tab2):
            text = "".join(e.get("text", "") for e in _events_until(tab, turn_id, {"done"}))
            assert text == "두 탭 모두에 보입니다."
        stranger.send(json.dumps({"action": "ping"}))
        assert json.loads(stranger.recv(timeout=5)) == {"type": "pong"}  # nothing of the turn arrived first


def test_provider_failure_falls_back_and_the_answer_says_which_model(target, monkeypatch) -> None:
    from portal.llm import service
    from portal.llm.base import ProviderThrottled

    from tests.scripted import ScriptedModel

    claude = ScriptedModel([ProviderThrottled("slow down"), "대체 모델의 답변입니다."], name="anthropic")
    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": claude, "offline": ScriptedModel([], name="offline")}
    )
    token = make_token()
    with httpx.Client(
        base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        conversation = http.post("/api/conversations", json={}).json()
        answer = http.post(
            f"/api/conversations/{conversation['id']}/messages?wait=true",
            json={"content": "분기 실적을 분석해줘", "agent": "general"},  # explicit: no LLM intent call
        ).json()
    first, second = (r.model_id for r in claude.requests)
    assert first != second  # the second call went to the next model of the chain
    assert answer["content"] == "대체 모델의 답변입니다."
    assert answer["model_used"] == second
    assert answer["metadata"]["fallbacks"] == [{"model": first, "error": "ProviderThrottled"}]


def test_a_failing_turn_reaches_the_catch_marks_it_failed_and_tells_the_socket(target, scripted) -> None:
    from portal.llm.base import ProviderRejected

    scripted(ProviderRejected("content refused"))
    token = make_token()
    with (
        connect(f"{target.ws_url}?token={token}") as ws,
        httpx.Client(base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        conversation = http.post("/api/conversations", json={}).json()
        turn_id = http.post(
            f"/api/conversations/{conversation['id']}/messages", json={"content": "hi"}
        ).json()["turn_id"]
        events = _events_until(ws, turn_id, {"done", "error"})
        assert events[-1]["type"] == "error" and events[-1]["code"] == "turn_failed"
        # The socket is told first, then the failure is recorded (portal.agents.completion.fail_turn)
        deadline = time.monotonic() + 15
        while True:
            stored = http.get(f"/api/conversations/{conversation['id']}/messages").json()["items"]
            if stored[-1]["role"] == "assistant" or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert stored[-1]["status"] == "failed"
        assert "content refused" in stored[-1]["metadata"]["error"]


def test_websocket_without_a_valid_token_is_refused(target) -> None:
    for url in (
        target.ws_url,
        f"{target.ws_url}?token=garbage",
        f"{target.ws_url}?token={make_token(ttl_seconds=-5)}",
    ):
        with pytest.raises(InvalidStatus) as refused:
            connect(url).close()
        assert refused.value.response.status_code == 403


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "malformed_json"),
        ('{"action": "dance"}', "unknown_action"),
        ("[1,2]", "invalid_frame"),
        (json.dumps({"action": "ping", "pad": "x" * 40_000}), "frame_too_large"),
    ],
    ids=["malformed", "unknown-action", "not-an-object", "oversized"],
)
def test_bad_frames_get_an_error_event(target, frame: str, code: str) -> None:
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(frame)
        event = json.loads(ws.recv(timeout=5))
        assert event["type"] == "error" and event["code"] == code


def test_a_socket_that_vanished_is_removed_on_the_next_send(target, database_url) -> None:
    from portal import services

    store = services.connections()
    store.add(connection_id="vanished=", user_empno="E1001")
    assert services.sender().send("vanished=", {"type": "pong"}) is False
    assert store.get("vanished=") is None
