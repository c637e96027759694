"""Delivers server events to sockets through the API Gateway management API."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from portal.observability import MetricName, logger, metrics
from portal.realtime.connections import ConnectionStore

# Enough to fan a chunk out to a user's tabs or a workspace's members without queueing.
_FANOUT_THREADS = 8


class Sender:
    """post_to_connection with cleanup: a send that finds the connection gone deletes it."""

    def __init__(self, management_client: Any | None, connections: ConnectionStore) -> None:
        self._client = management_client
        self._connections = connections
        self._pool = ThreadPoolExecutor(max_workers=_FANOUT_THREADS, thread_name_prefix="ws-send")

    @property
    def enabled(self) -> bool:
        return self._client is not None

    def send(self, connection_id: str, event: dict[str, Any]) -> bool:
        """Send one event; False when the connection is gone (and then it is removed)."""
        if self._client is None:
            return False
        data = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
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

    def send_many(self, connection_ids: Iterable[str], event: dict[str, Any]) -> int:
        """Send one event to many connections concurrently; return how many received it."""
        ids = list(dict.fromkeys(connection_ids))
        if not ids or self._client is None:
            return 0
        if len(ids) == 1:
            return int(self.send(ids[0], event))
        return sum(self._pool.map(lambda cid: self.send(cid, event), ids))

    def deliver(self, batches: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Send each connection its events in order (connections concurrently); how many each received.

        A connection stops at its first failed send, so it never receives a later event after
        missing an earlier one.
        """

        def run(item: tuple[str, list[dict[str, Any]]]) -> int:
            connection_id, events = item
            for done, event in enumerate(events):
                if not self.send(connection_id, event):
                    return done
            return len(events)

        items = [(cid, events) for cid, events in batches.items() if events]
        if not items or self._client is None:
            return {cid: 0 for cid in batches}
        counts = map(run, items) if len(items) == 1 else self._pool.map(run, items)
        return {**{cid: 0 for cid in batches}, **dict(zip((cid for cid, _ in items), counts, strict=True))}

    def send_to_user(self, user_empno: str, event: dict[str, Any]) -> int:
        """Send to every socket the user has open."""
        return self.send_many(self._connections.for_user(user_empno), event)
