"""A turn's stream posts to a socket at most once per 50 ms and reads the resume header only now
and then, without losing the exactly-once delivery of resumed sockets (moto's DynamoDB, API
Gateway's management API recorded, a clock the test moves)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.integration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Gateway:
    """post_to_connection, recording when each frame arrived and what it held."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.frames: dict[str, list[tuple[float, Any]]] = {}

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        self.frames.setdefault(ConnectionId, []).append((self.clock.now, json.loads(Data)))

    def events(self, connection_id: str) -> list[dict]:
        out: list[dict] = []
        for _, frame in self.frames.get(connection_id, []):
            out.extend(frame if isinstance(frame, list) else [frame])
        return out

    def gaps(self, connection_id: str) -> list[float]:
        times = [t for t, _ in self.frames[connection_id]]
        return [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)]


class CountingTable:
    """The STREAM table, counting strongly consistent reads of the header."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.header_reads = 0

    def get_item(self, **kwargs: Any) -> Any:
        if kwargs["Key"].get("seq") == 0:
            self.header_reads += 1
        return self._table.get_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def table(aws: dict) -> CountingTable:
    from portal import aws as portal_aws
    from portal.settings import get_settings

    return CountingTable(portal_aws.dynamodb_table(get_settings().stream_table))


def _stream(gateway: Gateway, table: CountingTable, clock: Clock, audience: tuple[str, ...] = ("c1",)):
    from portal import services
    from portal.realtime.sender import Sender
    from portal.realtime.stream import TurnStream

    return TurnStream(
        turn_id="turn-b",
        recipients=lambda: list(audience),
        sender=Sender(gateway, services.connections()),
        chunk_table=table,
        clock=clock,
        sleep=clock.sleep,
    )


def test_a_fast_model_gets_one_post_per_50_ms_and_every_character_once(clock, table) -> None:
    gateway = Gateway(clock)
    s = _stream(gateway, table, clock)
    text = "".join(f"토큰{n} " for n in range(200))
    for n in range(200):
        s.write(f"토큰{n} ")
        clock.now += 0.004  # 250 tokens a second
    s.finish({"type": "done", "message_id": "m1"})

    events = gateway.events("c1")
    chunks = [e for e in events if e["type"] == "chunk"]
    assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert "".join(c["text"] for c in chunks) == text
    assert events[-1]["type"] == "done" and events[-1]["last_seq"] == len(chunks)
    assert min(gateway.gaps("c1")) >= 0.05  # the closing event too: finish waited out the interval
    assert len(chunks) <= 0.8 / 0.05 + 1  # 0.8 s of output: at most one chunk per 50 ms
    # A live socket's frames are one event each.
    assert all(isinstance(frame, dict) for _, frame in gateway.frames["c1"])


def test_the_first_text_goes_out_at_once(clock, table) -> None:
    gateway = Gateway(clock)
    s = _stream(gateway, table, clock)
    s.write("안")
    assert [e["text"] for e in gateway.events("c1")] == ["안"]


def test_the_resume_header_is_read_every_half_second_not_every_flush(clock, table) -> None:
    from portal.realtime import stream

    gateway = Gateway(clock)
    s = _stream(gateway, table, clock)
    for n in range(8):  # 8 flushes within 0.45 s
        s.write(f"조각{n}은 스물네 글자를 넘겨서 한 번에 바로 나갑니다 ")
        clock.now += 0.06
    assert s.seq == 8
    assert table.header_reads == 0

    assert stream.subscribe(table, turn_id="turn-b", connection_id="c2", after_seq=3, ttl_seconds=900)
    clock.now += 0.1  # past the poll interval
    s.write("다음 조각도 스물네 글자를 넘겨서 한 번에 바로 나갑니다 ")
    assert table.header_reads == 1
    # The resumed socket got what it missed and the new chunk in one frame, in order.
    [(_, frame)] = gateway.frames["c2"]
    assert isinstance(frame, list) and [e["seq"] for e in frame] == [4, 5, 6, 7, 8, 9]

    clock.now += 0.06
    s.write("마지막")
    s.finish({"type": "done", "message_id": "m1"})
    for connection_id, first in (("c1", 1), ("c2", 4)):
        chunks = [e["seq"] for e in gateway.events(connection_id) if e["type"] == "chunk"]
        assert chunks == list(range(first, s.seq + 1))  # exactly once each
        assert gateway.events(connection_id)[-1]["type"] == "done"


def test_a_resume_between_polls_is_served_by_finish_exactly_once(clock, table) -> None:
    from portal.realtime import stream

    gateway = Gateway(clock)
    s = _stream(gateway, table, clock)
    s.write("첫 조각은 바로 나갑니다 충분히 길게 ")
    clock.now += 0.06
    assert stream.subscribe(table, turn_id="turn-b", connection_id="c2", after_seq=0, ttl_seconds=900)
    s.write("둘째 조각도 충분히 길게 씁니다 ")
    s.finish({"type": "done", "message_id": "m1"})

    assert table.header_reads == 0  # finish's own update returned the subscribers
    assert [e["seq"] for e in gateway.events("c2") if e["type"] == "chunk"] == [1, 2]
    assert [e["type"] for e in gateway.events("c2")][-1] == "done"


def test_a_long_catch_up_is_split_into_frames_under_api_gateways_limit() -> None:
    from portal.realtime.sender import MAX_FRAME_BYTES, frames

    events = [{"type": "chunk", "seq": n, "text": "가" * 10_000} for n in range(1, 31)]
    packed = frames(events)
    assert sum(count for count, _ in packed) == 30 and len(packed) > 1
    assert all(len(data) <= MAX_FRAME_BYTES for _, data in packed)
    decoded = [e for _, data in packed for e in json.loads(data)]
    assert [e["seq"] for e in decoded] == list(range(1, 31))
    assert frames([events[0]]) == [
        (1, json.dumps(events[0], ensure_ascii=False, separators=(",", ":")).encode())
    ]


@pytest.mark.parametrize("served_by", ["poll", "finish"])
def test_a_socket_in_the_audience_that_resumes_gets_no_chunk_it_was_already_sent(
    clock: Clock, table: CountingTable, served_by: str
) -> None:
    """The UI reconnects (a fresh socket, so the user's audience includes it) and sends
    `resume` after_seq=0; the first chunk is posted to it before the resume is seen (the header
    is read only every half second). Applying the resume must not send that chunk again."""
    from portal.realtime import stream

    gateway = Gateway(clock)
    s = _stream(gateway, table, clock, audience=("c2",))
    s.write("첫 조각은 바로 나갑니다 충분히 길게 ")
    assert [e["seq"] for e in gateway.events("c2")] == [1]
    # Its resume crossed chunk 1 on the wire: it had seen nothing when it sent it.
    assert stream.subscribe(table, turn_id="turn-b", connection_id="c2", after_seq=0, ttl_seconds=900)
    clock.now += 0.06 if served_by == "finish" else 0.6
    s.write("둘째 조각도 충분히 길게 씁니다 스물네 글자 넘게 ")
    assert table.header_reads == (1 if served_by == "poll" else 0)
    clock.now += 0.06
    s.write("마지막")
    s.finish({"type": "done", "message_id": "m1"})

    events = gateway.events("c2")
    assert [e["seq"] for e in events if e["type"] == "chunk"] == [1, 2, 3]  # each exactly once
    assert events[-1] == {"type": "done", "message_id": "m1", "turn_id": "turn-b", "last_seq": 3}
