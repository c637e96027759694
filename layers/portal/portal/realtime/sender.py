"""Delivers server events to sockets through the API Gateway management API."""

from __future__ import annotations

import contextvars
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from botocore.exceptions import ClientError
from cachetools import TTLCache

from portal.observability import MetricName, logger, metrics
from portal.realtime.connections import ConnectionStore

# Enough to fan a chunk out to a user's tabs or a workspace's members without queueing.
_FANOUT_THREADS = 8
_Item = TypeVar("_Item")
# The event a socket gets when its token has expired, right before it is closed.
AUTH_EXPIRED = {"type": "auth_expired"}
# Several events for one socket go in one frame (a JSON array), under API Gateway's 128 KB
# frame limit with room to spare.
MAX_FRAME_BYTES = 96 * 1024


def _encode(event: dict[str, Any] | list[dict[str, Any]]) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()


def frames(events: list[dict[str, Any]]) -> list[tuple[int, bytes]]:
    """Events packed into as few frames as fit: (events in the frame, its bytes), in order.

    One event is sent as an object, several as an array (the web client reads both).
    """
    packed: list[tuple[int, bytes]] = []
    group: list[dict[str, Any]] = []
    size = 0
    for event in events:
        encoded = len(_encode(event)) + 1
        if group and size + encoded > MAX_FRAME_BYTES:
            packed.append((len(group), _encode(group if len(group) > 1 else group[0])))
            group, size = [], 0
        group.append(event)
        size += encoded
    if group:
        packed.append((len(group), _encode(group if len(group) > 1 else group[0])))
    return packed


class Sender:
    """post_to_connection with cleanup: a send that finds the connection gone deletes it."""

    def __init__(
        self,
        management_client: Any | None,
        connections: ConnectionStore,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = management_client
        self._connections = connections
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=_FANOUT_THREADS, thread_name_prefix="ws-send")
        # Token expiry per connection, read once per container: a stream's chunks cost no extra reads.
        self._token_exp: TTLCache[str, float] = TTLCache(maxsize=10_000, ttl=3600)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._client is not None

    def send(self, connection_id: str, event: dict[str, Any]) -> bool:
        """Send one event; False when the connection is gone (then removed) or its token expired (then closed)."""
        if self._client is None:
            return False
        if self._token_expired(connection_id):
            self.expire(connection_id)
            return False
        return self._post(connection_id, event)

    def _token_expired(self, connection_id: str) -> bool:
        now = self._clock()
        with self._lock:
            exp = self._token_exp.get(connection_id)
        if exp is not None and (not exp or exp > now):
            return False
        listed = self._connections.listed_token_exp(connection_id)
        if exp is None and listed is not None and (not listed or listed > now):
            with self._lock:  # the turn's audience listing just read it: no GetItem per socket
                self._token_exp[connection_id] = listed
            return False
        # Unknown, or past by what we saw: read again, the socket may have re-authenticated since.
        connection = self._connections.get(connection_id)
        if connection is None:
            return False  # no record (yet, or any more): the post itself finds out whether it is gone
        with self._lock:
            self._token_exp[connection_id] = connection.token_exp
        return connection.token_expired(now)

    def expire(self, connection_id: str) -> None:
        """Tell the socket its sign-in ended and close it; the UI reconnects with a fresh token."""
        self.send_and_close(connection_id, AUTH_EXPIRED)

    def send_and_close(self, connection_id: str, event: dict[str, Any]) -> None:
        """A last event (whatever the token's state), then close the socket."""
        if self._client is None:
            return
        self._post(connection_id, event)
        self.close(connection_id)

    def close(self, connection_id: str) -> None:
        """Close the socket (API Gateway then runs $disconnect, which forgets it)."""
        if self._client is None:
            return
        try:
            self._client.delete_connection(ConnectionId=connection_id)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status != 410 and exc.response.get("Error", {}).get("Code") != "GoneException":
                logger.warning("delete_connection failed", extra={"connection_id": connection_id})
                return
            self._connections.remove(connection_id)  # already gone: $disconnect may never come

    def _post(self, connection_id: str, event: dict[str, Any]) -> bool:
        return self._post_data(connection_id, _encode(event))

    def _post_data(self, connection_id: str, data: bytes) -> bool:
        assert self._client is not None
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
            return True
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "GoneException" or status == 410:
                logger.info("connection gone, removing", extra={"connection_id": connection_id})
                metrics.add_metric(name=MetricName.WS_GONE, unit="Count", value=1)
                self._connections.remove(connection_id)
                return False
            logger.warning("post_to_connection failed", extra={"connection_id": connection_id, "code": code})
            return False

    def _map(self, fn: Callable[[_Item], int], items: Iterable[_Item]) -> Iterator[int]:
        """The pool's map, each call in a copy of the caller's context: the fan-out threads' log
        lines carry the invocation's keys (function name, turn id), like the caller's own."""
        context = contextvars.copy_context()
        return self._pool.map(lambda item: context.copy().run(fn, item), items)

    def send_many(self, connection_ids: Iterable[str], event: dict[str, Any]) -> int:
        """Send one event to many connections concurrently; return how many received it."""
        ids = list(dict.fromkeys(connection_ids))
        if not ids or self._client is None:
            return 0
        if len(ids) == 1:
            return int(self.send(ids[0], event))
        return sum(self._map(lambda cid: self.send(cid, event), ids))

    def deliver(self, batches: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Send each connection its events in order, in one frame when they fit (connections
        concurrently); how many events each received.

        A connection stops at its first failed post, so it never receives a later event after
        missing an earlier one.
        """

        def run(item: tuple[str, list[dict[str, Any]]]) -> int:
            connection_id, events = item
            if self._token_expired(connection_id):
                self.expire(connection_id)
                return 0
            done = 0
            for count, data in frames(events):
                if not self._post_data(connection_id, data):
                    return done
                done += count
            return done

        items = [(cid, events) for cid, events in batches.items() if events]
        if not items or self._client is None:
            return {cid: 0 for cid in batches}
        counts = map(run, items) if len(items) == 1 else self._map(run, items)
        return {**{cid: 0 for cid in batches}, **dict(zip((cid for cid, _ in items), counts, strict=True))}

    def send_to_user(self, user_empno: str, event: dict[str, Any]) -> int:
        """Send to every socket the user has open."""
        return self.send_many(self._connections.for_user(user_empno), event)
