"""A turn's answer as numbered chunks: batched, kept for replay, and pushed to the user's sockets."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from portal.realtime.sender import Sender

# Batch tokens so a socket gets a few frames a second, not one per token (API Gateway bills
# per message and the browser re-renders per frame).
DEFAULT_MIN_CHARS = 24
DEFAULT_MAX_DELAY_SECONDS = 0.15


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.turn_id = turn_id
        self._recipients = recipients
        self._sender = sender
        self._table = chunk_table
        self._ttl = chunk_ttl_seconds
        self._min_chars = min_chars
        self._max_delay = max_delay
        self._clock = clock
        self._buffer: list[str] = []
        self._buffered = 0
        self._last_flush = clock()
        self._connections: list[str] | None = None
        self.seq = 0
        self.text_parts: list[str] = []

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
        if self._buffered >= self._min_chars or self._clock() - self._last_flush >= self._max_delay:
            self.flush()

    def flush(self) -> None:
        """Emit what is buffered as the next numbered chunk."""
        if not self._buffer:
            return
        self.seq += 1
        chunk = "".join(self._buffer)
        self._buffer, self._buffered, self._last_flush = [], 0, self._clock()
        event = {"type": "chunk", "turn_id": self.turn_id, "seq": self.seq, "text": chunk}
        if self._table is not None:
            # Kept briefly so a client that reconnects can `resume` from the last seq it saw.
            self._table.put_item(
                Item={
                    "turn_id": self.turn_id,
                    "seq": self.seq,
                    "text": chunk,
                    "ttl": int(time.time()) + self._ttl,
                }
            )
        self._send(event)

    def finish(self, event: dict[str, Any]) -> None:
        """Flush the rest, then send the closing event (done or error)."""
        self.flush()
        self._send({**event, "turn_id": self.turn_id, "last_seq": self.seq})

    def _send(self, event: dict[str, Any]) -> None:
        # Resolve the audience once per turn: a socket opened mid-turn catches up via resume.
        if self._connections is None:
            self._connections = self._recipients()
        self._sender.send_many(self._connections, event)
