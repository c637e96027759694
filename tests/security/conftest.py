"""Shared helpers of the security suite: a recording WebSocket sender and signed-in REST callers."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest


class RecordingSender:
    """Stands in for post_to_connection: keeps what each connection was sent."""

    enabled = True

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, connection_id: str, event: dict[str, Any]) -> bool:
        self.sent.append((connection_id, event))
        return True

    def send_many(self, connection_ids: Any, event: dict[str, Any]) -> int:
        ids = list(connection_ids)
        for connection_id in ids:
            self.send(connection_id, event)
        return len(ids)

    def send_to_user(self, user_empno: str, event: dict[str, Any]) -> int:
        self.sent.append((f"user:{user_empno}", event))
        return 1

    def deliver(self, batches: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        for connection_id, events in batches.items():
            for event in events:
                self.send(connection_id, event)
        return {connection_id: len(events) for connection_id, events in batches.items()}

    def expire(self, connection_id: str) -> None:
        self.sent.append((connection_id, {"type": "expired"}))

    def send_and_close(self, connection_id: str, event: dict[str, Any]) -> None:
        self.send(connection_id, event)

    def close(self, connection_id: str) -> None:
        self.sent.append((connection_id, {"type": "closed"}))

    def events(self, connection_id: str) -> list[dict[str, Any]]:
        return [event for cid, event in self.sent if cid == connection_id]


@pytest.fixture
def sender(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingSender]:
    from portal import services

    recording = RecordingSender()
    # Cached like the real one, so services.reset() can clear it at teardown.
    monkeypatch.setattr(services, "sender", lru_cache(maxsize=1)(lambda: recording))
    yield recording


@pytest.fixture
def app_database_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This test's database signed in as the app role (migration 0010), as every function but
    migrate is in AWS: the suites that reach every route with it prove its grants are enough."""
    from portal import services

    from tests.conftest import app_role_url

    url = app_role_url(database_url)
    monkeypatch.setenv("DATABASE_URL", url)
    services.reset()
    yield url
    services.reset()
