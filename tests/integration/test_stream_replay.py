"""Stream replay: a client that reconnects with `resume` gets every chunk it missed exactly once, in
order, then the rest live. First the handoff between a live stream and a resume at each point it
can happen (moto's DynamoDB, API Gateway's management API recorded), then real sockets on the
local target.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator

import httpx
import pytest
from botocore.exceptions import ClientError
from websockets.sync.client import ClientConnection, connect

from tests.conftest import make_token

pytestmark = pytest.mark.integration


class RecordingGateway:
    """API Gateway's management API (post_to_connection): records what each socket received."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict]] = defaultdict(list)
        self.gone: set[str] = set()
        self.failing: set[str] = set()

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # boto3's names
        if ConnectionId in self.gone:
            raise ClientError(
                {"Error": {"Code": "GoneException"}, "ResponseMetadata": {"HTTPStatusCode": 410}},
                "PostToConnection",
            )
        if ConnectionId in self.failing:
            raise ClientError(
                {"Error": {"Code": "LimitExceededException"}, "ResponseMetadata": {"HTTPStatusCode": 429}},
                "PostToConnection",
            )
        frame = json.loads(Data)  # one event, or several in order (an array)
        self.received[ConnectionId].extend(frame if isinstance(frame, list) else [frame])

    def seqs(self, connection_id: str) -> list[int]:
        return [e["seq"] for e in self.received[connection_id] if e["type"] == "chunk"]

    def text(self, connection_id: str) -> str:
        return "".join(e["text"] for e in self.received[connection_id] if e["type"] == "chunk")


@pytest.fixture
def gateway(aws: dict) -> RecordingGateway:
    return RecordingGateway()


@pytest.fixture
def table(aws: dict):
    from portal import aws as portal_aws
    from portal.settings import get_settings

    return portal_aws.dynamodb_table(get_settings().stream_table)


def _stream(gateway: RecordingGateway, table, turn_id: str = "turn-1", audience: tuple[str, ...] = ("c1",)):
    from portal import services
    from portal.realtime.sender import Sender
    from portal.realtime.stream import TurnStream

    # min_chars=1 and no post interval: every write is its own chunk, so the test decides where
    # the chunk boundaries are; header_poll=0: every flush looks for resumes (finish always does).
    return TurnStream(
        turn_id=turn_id,
        recipients=lambda: list(audience),
        sender=Sender(gateway, services.connections()),
        chunk_table=table,
        min_chars=1,
        min_interval=0,
        header_poll=0,
    )


def _subscribe(table, connection_id: str, after_seq: int, turn_id: str = "turn-1") -> bool:
    from portal.realtime import stream

    return stream.subscribe(
        table, turn_id=turn_id, connection_id=connection_id, after_seq=after_seq, ttl_seconds=900
    )


# --- the handoff, at every point a resume can arrive ----------------------------------------------


def test_a_resume_mid_turn_gets_the_missed_chunks_then_the_live_ones_once_each(gateway, table) -> None:
    s = _stream(gateway, table)
    for piece in ("가", "나", "다"):
        s.write(piece)
    gateway.gone.add("c1")  # the client's socket dropped after chunk 3
    assert _subscribe(table, "c2", after_seq=1)  # it had only processed chunk 1

    for piece in ("라", "마"):
        s.write(piece)
    s.finish({"type": "done", "message_id": "m1"})

    assert gateway.seqs("c1") == [1, 2, 3]
    assert gateway.seqs("c2") == [2, 3, 4, 5]
    assert gateway.text("c2") == "나다라마"
    assert gateway.received["c2"][-1] == {
        "type": "done",
        "message_id": "m1",
        "turn_id": "turn-1",
        "last_seq": 5,
    }


def test_a_resume_after_the_last_chunk_is_served_by_finish(gateway, table) -> None:
    s = _stream(gateway, table)
    s.write("하나")
    s.write("둘")
    assert _subscribe(table, "c2", after_seq=0)
    s.finish({"type": "done", "message_id": "m1"})

    assert gateway.seqs("c2") == [1, 2]
    assert gateway.received["c2"][-1]["type"] == "done"


def test_a_resume_after_the_turn_finished_is_replayed_from_the_table(gateway, table) -> None:
    from portal import services
    from portal.realtime import stream
    from portal.realtime.sender import Sender

    s = _stream(gateway, table)
    for piece in ("a", "b", "c", "d"):
        s.write(piece)
    s.finish({"type": "done", "message_id": "m1"})

    assert _subscribe(table, "c2", after_seq=2) is False  # too late for the live stream
    closing = stream.finished_event(table, "turn-1")
    sent = stream.replay(
        Sender(gateway, services.connections()),
        table,
        turn_id="turn-1",
        connection_id="c2",
        after_seq=2,
        closing=closing,
    )

    assert sent == 3
    assert gateway.seqs("c2") == [3, 4] and gateway.text("c2") == "cd"
    assert gateway.received["c2"][-1] == gateway.received["c1"][-1]  # the same done the live sockets got


def test_a_resume_claiming_more_than_was_sent_gets_no_chunk_twice(gateway, table) -> None:
    s = _stream(gateway, table)
    s.write("a")
    assert _subscribe(table, "c1", after_seq=3)  # c1 resumes claiming it saw up to 3
    for piece in ("b", "c", "d", "e"):
        s.write(piece)
    s.finish({"type": "done", "message_id": "m1"})
    assert gateway.seqs("c1") == [1, 4, 5]


def test_a_socket_whose_send_fails_never_gets_a_later_chunk_after_the_gap(gateway, table) -> None:
    s = _stream(gateway, table, audience=("c1", "c2"))
    s.write("a")
    gateway.failing.add("c1")
    s.write("b")
    gateway.failing.discard("c1")
    s.write("c")
    s.finish({"type": "done", "message_id": "m1"})

    assert gateway.seqs("c1") == [1]  # it resumes to catch up, it is never sent 3 after missing 2
    assert gateway.seqs("c2") == [1, 2, 3]


def test_a_fresh_stream_finishing_a_turn_continues_its_numbering_and_serves_waiting_resumes(
    gateway, table
) -> None:
    worker = _stream(gateway, table)
    for piece in ("a", "b", "c"):
        worker.write(piece)
    # The worker dies here; a socket resumes; the failure handler finishes the turn with a new stream.
    assert _subscribe(table, "c2", after_seq=1)
    failure = _stream(gateway, table, audience=("c1",))
    failure.finish({"type": "error", "code": "turn_failed", "message": "실패"})

    assert gateway.received["c1"][-1]["last_seq"] == 3
    assert gateway.seqs("c2") == [2, 3]
    assert gateway.received["c2"][-1]["type"] == "error"


def test_resumes_of_one_turn_are_capped(gateway, table) -> None:
    from portal.realtime.stream import MAX_SUBSCRIBERS, TooManyResumes

    for n in range(MAX_SUBSCRIBERS):
        assert _subscribe(table, f"c{n}", after_seq=0)
    with pytest.raises(TooManyResumes):
        _subscribe(table, "one-too-many", after_seq=0)


# --- real sockets on the local target ---------------------------------------------------------------


class GatedModel:
    """A provider that streams the first part of its answer, then waits for the test to let it finish."""

    name = "offline"

    def __init__(self, before: list[str], after: list[str]) -> None:
        self.before, self.after = before, after
        self.gate = threading.Event()

    def stream(self, request):
        from portal.llm.base import Completed, TextDelta, Usage

        for piece in self.before:
            yield TextDelta(piece)
            time.sleep(0.06)  # past the stream's 50 ms post interval: one chunk per piece
        assert self.gate.wait(30), "the test never opened the gate"
        for piece in self.after:
            yield TextDelta(piece)
        yield Completed(Usage(1, 1), request.model_id, "end_turn")


def recv(ws: ClientConnection, timeout: float = 15.0) -> dict:
    """The socket's next event; a frame holds one event or several in order (an array)."""
    unread: list[dict] = ws.__dict__.setdefault("unread_events", [])
    if not unread:
        frame = json.loads(ws.recv(timeout=timeout))
        unread.extend(frame if isinstance(frame, list) else [frame])
    return unread.pop(0)


def until_closing(ws: ClientConnection, turn_id: str) -> list[dict]:
    events: list[dict] = []
    while not events or events[-1]["type"] not in ("done", "error"):
        event = recv(ws, timeout=30)
        assert event.get("turn_id") == turn_id, event
        events.append(event)
    return events


def assert_quiet(ws: ClientConnection) -> None:
    ws.send(json.dumps({"action": "ping"}))
    assert recv(ws) == {"type": "pong"}


@pytest.fixture
def http(target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=target.base_url, timeout=60) as client:
        yield client


def _auth(empno: str = "E1001", name: str = "홍길동") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(empno, name)}"}


def _start_turn(
    http: httpx.Client, content: str = "계획을 세워 주세요", workspace_id: str | None = None
) -> str:
    body = {"workspace_id": workspace_id} if workspace_id else {}
    conversation = http.post("/api/conversations", json=body, headers=_auth()).json()
    accepted = http.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": content}, headers=_auth()
    )
    assert accepted.status_code == 202, accepted.text
    return accepted.json()["turn_id"]


def _wait_until_subscribed(turn_id: str) -> None:
    from portal import aws as portal_aws
    from portal.settings import get_settings

    table = portal_aws.dynamodb_table(get_settings().stream_table)
    deadline = time.monotonic() + 10
    while not (table.get_item(Key={"turn_id": turn_id, "seq": 0}).get("Item") or {}).get("subscribers"):
        assert time.monotonic() < deadline, "the resume was never registered"
        time.sleep(0.02)


def test_a_client_that_reconnects_with_resume_gets_every_missed_chunk_once_in_order(
    target, http, monkeypatch
) -> None:
    from portal.llm import service

    before = [f"앞부분 문장 {n}번은 충분히 길어서 한 조각이 됩니다. " for n in range(6)]
    after = [f"뒷부분 문장 {n}번도 마찬가지로 길게 이어집니다. " for n in range(6)]
    model = GatedModel(before, after)
    monkeypatch.setattr(service, "providers", lambda: {"offline": model})

    with connect(f"{target.ws_url}?token={make_token()}") as first:
        turn_id = _start_turn(http)
        seen: list[dict] = []
        while len(seen) < 3:  # the author's own socket sees message.created first
            if (event := recv(first))["type"] != "message.created":
                seen.append(event)
        assert [e["seq"] for e in seen] == [1, 2, 3]
    # The socket dropped after processing chunk 3 (later chunks may have been sent to it, unread).

    with connect(f"{target.ws_url}?token={make_token()}") as second:
        second.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 3}))
        _wait_until_subscribed(turn_id)  # so the live stream, not a replay, serves it
        model.gate.set()
        events = until_closing(second, turn_id)

    chunks = [e for e in events if e["type"] == "chunk"]
    assert [c["seq"] for c in chunks] == list(range(4, 4 + len(chunks)))  # exactly once, in order
    assert events[-1]["type"] == "done" and events[-1]["last_seq"] == chunks[-1]["seq"]
    assert "".join(e["text"] for e in seen) + "".join(c["text"] for c in chunks) == "".join(before + after)


def test_resuming_a_finished_turn_replays_what_was_missed_then_done(target, http, monkeypatch) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    reply = "끝난 턴의 답변을 다시 받아 봅니다. 놓친 부분만 차례대로 옵니다. " * 3
    scripted = ScriptedModel([reply], name="offline", chunk_size=5)
    monkeypatch.setattr(service, "providers", lambda: {"offline": scripted})
    with connect(f"{target.ws_url}?token={make_token()}") as live:
        turn_id = _start_turn(http)
        live_events = until_closing(live, turn_id)

    with connect(f"{target.ws_url}?token={make_token()}") as later:
        later.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 2}))
        replayed = until_closing(later, turn_id)
        assert_quiet(later)

    live_chunks = [e for e in live_events if e["type"] == "chunk"]
    assert [e for e in replayed if e["type"] == "chunk"] == live_chunks[2:]
    assert replayed[-1] == live_events[-1]  # the same done, message id and last_seq


def test_a_member_of_the_workspace_can_resume_a_colleagues_turn(target, http, monkeypatch) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    monkeypatch.setattr(
        service, "providers", lambda: {"offline": ScriptedModel(["팀이 함께 보는 답변"], name="offline")}
    )
    bob = _auth("E2002", "김철수")
    http.get("/api/me", headers=bob)
    space = http.post("/api/workspaces", json={"title": "팀"}, headers=_auth()).json()
    http.post(
        f"/api/workspaces/{space['id']}/collaborators",
        json={"empno": "E2002", "role": "viewer"},
        headers=_auth(),
    )
    with connect(f"{target.ws_url}?token={make_token()}") as alice:
        turn_id = _start_turn(http, workspace_id=space["id"])
        until_closing(alice, turn_id)

    with connect(f"{target.ws_url}?token={make_token('E2002', '김철수')}") as ws:
        ws.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        events = until_closing(ws, turn_id)
    assert "".join(e["text"] for e in events if e["type"] == "chunk") == "팀이 함께 보는 답변"


def test_resuming_someone_elses_turn_is_refused_and_sends_nothing(target, http, monkeypatch) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    monkeypatch.setattr(
        service, "providers", lambda: {"offline": ScriptedModel(["개인 답변"], name="offline")}
    )
    with connect(f"{target.ws_url}?token={make_token()}") as owner:
        turn_id = _start_turn(http)
        until_closing(owner, turn_id)

    with connect(f"{target.ws_url}?token={make_token('E7777', '타인')}") as stranger:
        stranger.send(json.dumps({"action": "resume", "turn_id": turn_id, "after_seq": 0}))
        refused = recv(stranger)
        assert (refused["type"], refused["code"], refused["action"]) == ("error", "not_found", "resume")
        assert_quiet(stranger)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"after_seq": 0}, "bad_request"),
        ({"turn_id": "00000000-0000-0000-0000-000000000001", "after_seq": -1}, "bad_request"),
        ({"turn_id": "00000000-0000-0000-0000-000000000001", "after_seq": "3"}, "bad_request"),
        ({"turn_id": "00000000-0000-0000-0000-000000000001", "after_seq": True}, "bad_request"),
        ({"turn_id": "not-a-turn", "after_seq": 0}, "not_found"),
        ({"turn_id": "00000000-0000-0000-0000-000000000001", "after_seq": 0}, "not_found"),
    ],
    ids=["no-turn", "negative-seq", "seq-as-text", "seq-as-bool", "malformed-turn", "unknown-turn"],
)
def test_bad_resume_frames_get_an_error_and_register_nothing(target, frame: dict, code: str) -> None:
    from portal import aws as portal_aws
    from portal.settings import get_settings

    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        ws.send(json.dumps({"action": "resume", **frame}))
        event = recv(ws)
        assert (event["type"], event["code"]) == ("error", code)
        assert_quiet(ws)
    assert portal_aws.dynamodb_table(get_settings().stream_table).scan()["Items"] == []
