"""Fault-suite fixtures: a PostgreSQL of its own (so stopping it harms no other test), the local
target over it, and helpers that say what a user saw (socket events) and what is stored."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection

from tests.conftest import make_token

pytestmark = pytest.mark.integration


class StoppablePostgres:
    """An embedded PostgreSQL that a test can stop and start again (same data, same URL)."""

    def __init__(self, root: Path) -> None:
        self.pgdata = root / "pgdata"
        self._server: Any = None
        self.start()
        self._server.psql('CREATE DATABASE "faults";')
        self.url = self._server.get_uri("faults")

    def start(self) -> None:
        import pgserver

        self._server = pgserver.get_server(str(self.pgdata), cleanup_mode="stop")

    def stop(self) -> None:
        self._server.cleanup()


@pytest.fixture
def postgres() -> Iterator[StoppablePostgres]:
    root = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))
    server = StoppablePostgres(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def outage_target(postgres: StoppablePostgres, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The local target over the stoppable PostgreSQL (migrated by the target itself)."""
    from portal.local.target import LocalTarget

    monkeypatch.setenv("DATABASE_URL", postgres.url)
    with LocalTarget(database_url=postgres.url, extra_env={"POWERTOOLS_LOG_LEVEL": "WARNING"}) as running:
        yield running


def auth(empno: str = "E1001", name: str = "홍길동") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(empno, name)}"}


# Events a socket received in one frame but a test has not read yet: a resumed socket's catch-up
# comes as one JSON array (portal.realtime.sender.frames); tests read it one event at a time.
_unread: weakref.WeakKeyDictionary[ClientConnection, list[dict[str, Any]]] = weakref.WeakKeyDictionary()


def recv(ws: ClientConnection, timeout: float = 15.0) -> dict[str, Any]:
    queue = _unread.setdefault(ws, [])
    if not queue:
        frame = json.loads(ws.recv(timeout=timeout))
        queue.extend(frame if isinstance(frame, list) else [frame])
    return dict(queue.pop(0))


def events_until_closing(ws: ClientConnection, turn_id: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """What the socket saw of a turn, up to its closing event (done or error)."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not events or events[-1]["type"] not in ("done", "error"):
        event = recv(ws, timeout=max(0.1, deadline - time.monotonic()))
        if event.get("turn_id") == turn_id and event["type"] != "message.created":
            events.append(event)
    return events


def next_turn_event(ws: ClientConnection, timeout: float = 15.0) -> dict[str, Any]:
    """The next chunk/done/error (the author's own sockets see `message.created` first)."""
    while (event := recv(ws, timeout=timeout))["type"] == "message.created":
        pass
    return event


def assert_nothing_more(ws: ClientConnection, wait: float = 0.5) -> None:
    """The socket gets no further event (checked by a ping answered right after `wait`)."""
    time.sleep(wait)
    ws.send(json.dumps({"action": "ping"}))
    assert recv(ws) == {"type": "pong"}


def start_turn(http: httpx.Client, content: str = "계획을 세워 주세요") -> tuple[str, str]:
    """(conversation id, turn id) of a new turn of E1001."""
    conversation = http.post("/api/conversations", json={}, headers=auth()).json()
    accepted = http.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": content}, headers=auth()
    )
    assert accepted.status_code == 202, accepted.text
    return conversation["id"], accepted.json()["turn_id"]


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def execution_ended(turn_id: str) -> bool:
    """Whether the chat execution of a turn (named by its id) is no longer running."""
    from portal import aws
    from portal.settings import get_settings

    arn = get_settings().chat_state_machine_arn or ""
    execution = f"{arn.replace(':stateMachine:', ':execution:')}:{turn_id}"
    return str(aws.client("stepfunctions").describe_execution(executionArn=execution)["status"]) != "RUNNING"


def new_turn_id() -> str:
    return str(uuid.uuid4())
