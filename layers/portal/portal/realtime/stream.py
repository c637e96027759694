"""A turn's answer as numbered chunks: batched, kept for replay, and pushed to the turn's sockets.

Every socket is delivered to through a cursor (the last seq it received), so it gets each
chunk exactly once and in order:

- the turn's audience (``recipients``: the user's sockets and the members joined to the
  turn's workspace) is resolved at the first send and receives from that chunk on;
- a socket that (re)connects mid-turn sends ``resume`` with the last seq it saw. The
  WebSocket route appends it to the turn's header item (seq 0 of the STREAM table; chunks
  start at 1) with ``subscribe``; the stream reads the header at a flush at most every
  HEADER_POLL_SECONDS (not on every flush: a strongly consistent read per chunk cost more than
  the chunk's own write) and sends that socket the chunks it missed, then the live ones;
- ``finish`` marks the header finished in one update that also returns the subscribers, so
  a late resume is served here; a resume arriving after that finds the header finished
  and is replayed from the table by the route (``replay``). DynamoDB serialises updates of
  one item, so every resume is served by exactly one side.

A socket gets at most one ``post_to_connection`` per MIN_INTERVAL_SECONDS from a stream: text
that arrives sooner waits for the next flush (an explicit flush or finish waits out the rest of
the interval), and a resumed socket's missed chunks go in one frame, a JSON array
(Sender.deliver). A live socket's frames are one event each.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal.errors import PortalError
from portal.llm.interrupted import GenerationInterrupted  # not llm.base: see interrupted.py (#14)
from portal.realtime.sender import Sender

# Batch tokens so a socket gets a few frames a second, not one per token (API Gateway bills
# per message and the browser re-renders per frame). The first text goes out at once.
DEFAULT_MIN_CHARS = 24
DEFAULT_MAX_DELAY_SECONDS = 0.15
# At most one post per socket per 50 ms, whatever the model's pace.
MIN_INTERVAL_SECONDS = 0.05
# How often a live stream looks for sockets that resumed the turn (finish always looks).
HEADER_POLL_SECONDS = 0.5
HEADER_SEQ = 0
# Resumes one turn may register (a client retrying in a loop must not grow the item past 400 KB).
MAX_SUBSCRIBERS = 200


class TurnClosed(GenerationInterrupted):
    """The turn was ended by someone else (the user stopped it, its conversation was deleted, the
    failure handler): stop streaming. A model stream it interrupts records what it generated."""


class TooManyResumes(PortalError):
    status_code = 429
    code = "too_many_resumes"


class TurnStream:
    """Collects model text and emits {"type":"chunk","turn_id","seq","text"} events in order."""

    def __init__(
        self,
        *,
        turn_id: str,
        recipients: Callable[[], list[str]],
        sender: Sender,
        chunk_table: Any | None = None,
        chunk_ttl_seconds: int = 900,
        min_chars: int = DEFAULT_MIN_CHARS,
        max_delay: float = DEFAULT_MAX_DELAY_SECONDS,
        min_interval: float = MIN_INTERVAL_SECONDS,
        header_poll: float = HEADER_POLL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.turn_id = turn_id
        self._recipients = recipients
        self._sender = sender
        self._table = chunk_table
        self._ttl = chunk_ttl_seconds
        self._min_chars = min_chars
        self._max_delay = max_delay
        self._min_interval = min_interval
        self._header_poll = header_poll
        self._clock = clock
        self._sleep = sleep
        self._buffer: list[str] = []
        self._buffered = 0
        self._last_flush = float("-inf")  # the first text is flushed at once
        self._last_post = float("-inf")
        # Resumes before the first poll are served by a later poll or by finish (never lost).
        self._last_header_read = clock()
        self._cursors: dict[str, int] | None = None  # connection -> last seq it received
        # connection -> highest seq this stream actually posted to it. Unlike a cursor (which for
        # the audience starts where it joined), this is what the socket has on the wire: a resume
        # whose after_seq is lower crossed those frames and must not be sent them again.
        self._posted: dict[str, int] = {}
        self._chunks: dict[int, str] = {}  # seq -> text, the replay source for resumed sockets
        self._subscribers_seen = 0  # header subscriber entries already applied
        self.seq = 0
        self.text_parts: list[str] = []

    @property
    def chunk_table(self) -> Any | None:
        """The STREAM table the chunks and the header are kept in (None: not kept)."""
        return self._table

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def write(self, text: str) -> None:
        """Add model output; flushes a chunk when enough text or time has accumulated."""
        if not text:
            return
        self.text_parts.append(text)
        self._buffer.append(text)
        self._buffered += len(text)
        since = self._clock() - self._last_flush
        if since < self._min_interval:
            return  # the next write after the interval, or finish, sends it
        if self._buffered >= self._min_chars or since >= self._max_delay:
            self.flush()

    def flush(self) -> None:
        """Emit what is buffered as the next numbered chunk and send it (waiting out the interval)."""
        if not self._emit(store=False):
            return
        resumed = self._poll_header()
        if resumed:
            self._mark_served()
        self._deliver(resumed, start=self.seq - 1)
        # Stored after the post: while the turn is live, resumed sockets are served from memory
        # (only a finished turn is replayed from the table, and finish stores before it closes).
        self._store(self.seq)

    def finish(self, event: dict[str, Any]) -> bool:
        """Send the rest, then the closing event (done or error), and close the turn's header.

        A turn has one closing event: False (and nothing sent) when it was already closed.
        """
        emitted = self._emit()
        if not self._chunks:
            # A fresh stream for a turn that already streamed (the failure handler, a re-run):
            # continue its numbering so last_seq tells clients how many chunks there were.
            self.seq = max(self.seq, last_stored_seq(self._table, self.turn_id))
        closing = {**event, "turn_id": self.turn_id, "last_seq": self.seq}
        header = self._close_header(closing)
        if header is None:
            return False
        resumed = self._new_subscribers(header)
        # The last chunk (a resumed socket: all it missed), then the closing event in a frame of its
        # own, so a live socket's frames stay one event each.
        self._deliver(resumed, start=self.seq - 1 if emitted else self.seq)
        self._deliver([], start=self.seq, closing=closing)
        if resumed:
            self._mark_served()  # a duplicate run of the turn (Express) must not replay them again
        return True

    def closed(self) -> bool:
        """Whether the turn already got its closing event (from this or any other stream)."""
        return self._read_header().get("status") == "finished"

    def _emit(self, *, store: bool = True) -> bool:
        """Number what is buffered as the next chunk and keep it (memory, and the table unless
        the caller stores it later); False if nothing was buffered."""
        if not self._buffer:
            return False
        self.seq += 1
        self._chunks[self.seq] = "".join(self._buffer)
        self._buffer, self._buffered, self._last_flush = [], 0, self._clock()
        if store:
            self._store(self.seq)
        return True

    def _store(self, seq: int) -> None:
        if self._table is not None:
            # Kept briefly so a client that reconnects after the turn can `resume` from its last seq.
            self._table.put_item(
                Item={"turn_id": self.turn_id, "seq": seq, "text": self._chunks[seq], "ttl": self._expiry()}
            )

    def _poll_header(self) -> list[tuple[str, int]]:
        """Sockets that resumed the turn since the last look, if it is time to look again."""
        if self._table is None or self._clock() - self._last_header_read < self._header_poll:
            return []
        self._last_header_read = self._clock()
        header = self._read_header()
        if header.get("status") == "finished":
            # Ended elsewhere (conversation deleted, failure handler): the user has its closing
            # event, so a later chunk would only confuse; the worker stops here.
            raise TurnClosed(f"turn {self.turn_id} was closed while streaming")
        return self._new_subscribers(header)

    # --- delivery -------------------------------------------------------------

    def _deliver(
        self, resumed: list[tuple[str, int]], *, start: int, closing: dict[str, Any] | None = None
    ) -> None:
        if self._cursors is None:
            # The audience is resolved once; later sockets join the turn through `resume`.
            self._cursors = dict.fromkeys(self._recipients(), start)
        for connection_id, after_seq in resumed:
            # A socket that was already in the audience (it reconnected before the first chunk
            # went out) may have been sent chunks after it sent `resume`: it has those, whatever
            # its after_seq says.
            self._cursors[connection_id] = max(after_seq, self._posted.get(connection_id, after_seq))
        batches: dict[str, list[dict[str, Any]]] = {}
        for connection_id, cursor in self._cursors.items():
            events: list[dict[str, Any]] = [
                {"type": "chunk", "turn_id": self.turn_id, "seq": seq, "text": text}
                for seq, text in self._texts(cursor + 1, self.seq)
            ]
            batches[connection_id] = events + ([closing] if closing else [])
        posting = any(batches.values())
        wait = self._min_interval - (self._clock() - self._last_post)
        if posting and wait > 0:
            self._sleep(wait)  # an explicit flush or finish right after a post
        delivered = self._sender.deliver(batches)
        if posting:
            self._last_post = self._clock()
        for connection_id, events in batches.items():
            sent = [e["seq"] for e in events[: delivered.get(connection_id, 0)] if e["type"] == "chunk"]
            if sent:
                self._posted[connection_id] = max(self._posted.get(connection_id, 0), *sent)
            if delivered.get(connection_id, 0) < len(events):
                # Gone or failing: never send it a later chunk after a missed one (it resumes).
                self._cursors.pop(connection_id, None)
            else:
                self._cursors[connection_id] = max(self._cursors[connection_id], self.seq)

    def _texts(self, first: int, last: int) -> list[tuple[int, str]]:
        """Chunks first..last, from memory or (for chunks another process wrote) the table."""
        if first > last:
            return []
        missing = [seq for seq in range(first, last + 1) if seq not in self._chunks]
        if missing and self._table is not None:
            for item in stored_chunks(self._table, self.turn_id, after_seq=missing[0] - 1, upto=missing[-1]):
                self._chunks.setdefault(int(item["seq"]), str(item["text"]))
        return [(seq, self._chunks[seq]) for seq in range(first, last + 1) if seq in self._chunks]

    # --- the header item: resumed subscribers and the finished flag ---------------

    def _expiry(self) -> int:
        return int(time.time()) + self._ttl

    def _read_header(self) -> dict[str, Any]:
        if self._table is None:
            return {}
        return self._table.get_item(Key=_header_key(self.turn_id), ConsistentRead=True).get("Item") or {}

    def _close_header(self, closing: dict[str, Any]) -> dict[str, Any] | None:
        """Mark the header finished; None when another stream of the turn already did."""
        if self._table is None:
            return {}
        try:
            return dict(
                self._table.update_item(
                    Key=_header_key(self.turn_id),
                    UpdateExpression="SET #status = :finished, #final = :final, last_seq = :last, #ttl = :ttl",
                    ConditionExpression="attribute_not_exists(#status)",
                    ExpressionAttributeNames={"#status": "status", "#final": "final", "#ttl": "ttl"},
                    ExpressionAttributeValues={
                        ":finished": "finished",
                        ":final": json.dumps(closing, ensure_ascii=False),
                        ":last": self.seq,
                        ":ttl": self._expiry(),
                    },
                    ReturnValues="ALL_NEW",
                )["Attributes"]
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            return None

    def _new_subscribers(self, header: dict[str, Any]) -> list[tuple[str, int]]:
        """(connection, cursor) for subscriber entries this stream has not applied yet."""
        entries = list(header.get("subscribers") or [])
        served = int(header.get("served", 0))  # entries an earlier stream of this turn already served
        resumed = [
            # Served by a stream that died: we cannot know what it got, so it gets what follows.
            (str(entry["connection_id"]), self.seq if index < served else int(entry["after_seq"]))
            for index, entry in enumerate(entries)
            if index >= self._subscribers_seen
        ]
        self._subscribers_seen = max(self._subscribers_seen, len(entries))
        return resumed

    def _mark_served(self) -> None:
        if self._table is not None:
            self._table.update_item(
                Key=_header_key(self.turn_id),
                UpdateExpression="SET served = :n",
                ExpressionAttributeValues={":n": self._subscribers_seen},
            )


def _header_key(turn_id: str) -> dict[str, Any]:
    return {"turn_id": turn_id, "seq": HEADER_SEQ}


def stored_chunks(
    table: Any, turn_id: str, *, after_seq: int, upto: int | None = None
) -> list[dict[str, Any]]:
    """The turn's unexpired chunks with seq > after_seq (and <= upto), in order."""
    now = int(time.time())
    condition = Key("turn_id").eq(turn_id) & (
        Key("seq").between(after_seq + 1, upto) if upto is not None else Key("seq").gt(after_seq)
    )
    kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ConsistentRead": True}
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(i for i in page["Items"] if int(i["seq"]) > HEADER_SEQ and int(i.get("ttl", 0)) > now)
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def last_stored_seq(table: Any | None, turn_id: str) -> int:
    """The highest chunk seq kept for a turn (0 when none)."""
    if table is None:
        return 0
    page = table.query(
        KeyConditionExpression=Key("turn_id").eq(turn_id) & Key("seq").gt(HEADER_SEQ),
        ScanIndexForward=False,
        Limit=1,
        ConsistentRead=True,
    )
    return int(page["Items"][0]["seq"]) if page["Items"] else 0


def subscribe(table: Any, *, turn_id: str, connection_id: str, after_seq: int, ttl_seconds: int) -> bool:
    """Ask the live stream of a turn to serve this socket from after_seq on.

    False when the turn's stream has finished: the caller replays it from the table.
    """
    try:
        table.update_item(
            Key=_header_key(turn_id),
            UpdateExpression="SET subscribers = list_append(if_not_exists(subscribers, :none), :entry), "
            "#ttl = if_not_exists(#ttl, :ttl)",
            ConditionExpression="attribute_not_exists(#status) AND "
            "(attribute_not_exists(subscribers) OR size(subscribers) < :max)",
            ExpressionAttributeNames={"#status": "status", "#ttl": "ttl"},
            ExpressionAttributeValues={
                ":none": [],
                ":entry": [{"connection_id": connection_id, "after_seq": after_seq}],
                ":ttl": int(time.time()) + ttl_seconds,
                ":max": MAX_SUBSCRIBERS,
            },
        )
        return True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
    header = table.get_item(Key=_header_key(turn_id), ConsistentRead=True).get("Item") or {}
    if header.get("status") == "finished":
        return False
    raise TooManyResumes(f"This turn was resumed more than {MAX_SUBSCRIBERS} times")


def finished_event(table: Any, turn_id: str) -> dict[str, Any] | None:
    """The closing event the finished stream sent (done or error), while the header is kept."""
    header = table.get_item(Key=_header_key(turn_id), ConsistentRead=True).get("Item") or {}
    if header.get("status") != "finished" or int(header.get("ttl", 0)) <= time.time():
        return None
    return dict(json.loads(str(header["final"])))


def replay(
    sender: Sender, table: Any, *, turn_id: str, connection_id: str, after_seq: int, closing: dict[str, Any]
) -> int:
    """Send a finished turn's kept chunks after after_seq, in order, then its closing event."""
    events: list[dict[str, Any]] = [
        {"type": "chunk", "turn_id": turn_id, "seq": int(item["seq"]), "text": str(item["text"])}
        for item in stored_chunks(table, turn_id, after_seq=after_seq)
    ]
    return sender.deliver({connection_id: [*events, closing]})[connection_id]
