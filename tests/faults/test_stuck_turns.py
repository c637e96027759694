"""A turn whose workflow dies without any Catch running (a Lambda killed, a failure handler
that failed, an execution lost): the scheduled sweep ends it after its deadline, tells the
socket, records it failed, once; and an idle portal's sweep never touches the database."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import make_token
from tests.faults.conftest import assert_nothing_more, auth, events_until_closing, start_turn, wait_for

pytestmark = pytest.mark.integration


class LostLauncher:
    """A workflow start that is accepted and then never runs (what the sweep exists for)."""

    def start(self, turn: object) -> None:
        return None


@pytest.fixture
def http(target) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=target.base_url, timeout=60) as client:
        yield client


def test_the_sweep_ends_a_turn_whose_workflow_vanished(target, http, db, monkeypatch) -> None:
    from portal import services
    from portal.agents import open_turns, overdue
    from portal.agents.completion import USER_MESSAGE_KO
    from portal.db.repositories import messages

    # Given a turn whose workflow was started and then lost, and the user's screen open
    monkeypatch.setattr(services, "launcher", functools.cache(LostLauncher))  # services.reset() clears it
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        _, turn_id = start_turn(http)
        assert [t.turn_id for t in open_turns.overdue(now=time.time() + 3600)] == [turn_id]

        # When the sweep runs before the deadline, nothing happens
        assert overdue.sweep()["overdue_turns_failed"] == 0
        # and when it runs after the deadline
        swept = overdue.sweep(now=time.time() + open_turns.TURN_DEADLINE.total_seconds() + 1)

        # Then the socket is told in Korean, and the turn is stored failed, saying why
        events = events_until_closing(ws, turn_id)
        assert swept == {"overdue_turns_failed": 1, "overdue_turns_unrecorded": 0}
        assert events[-1]["type"] == "error" and events[-1]["message"] == USER_MESSAGE_KO
        stored = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
        assert (
            stored is not None
            and stored.status == "failed"
            and stored.metadata["error"].startswith("States.Timeout")
        )

        # And a later sweep finds nothing more to do, and the user is told once
        assert open_turns.overdue(now=time.time() + 3600) == []
        assert overdue.sweep(now=time.time() + 3600)["overdue_turns_failed"] == 0
        assert_nothing_more(ws)


def test_an_answered_turn_is_no_longer_open(target, http, monkeypatch) -> None:
    from portal.agents import open_turns
    from portal.llm import service

    from tests.scripted import ScriptedModel

    monkeypatch.setattr(
        service, "providers", lambda: {"offline": ScriptedModel(["답했습니다"], name="offline")}
    )
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        _, turn_id = start_turn(http)
        assert events_until_closing(ws, turn_id)[-1]["type"] == "done"
    # `done` goes out before the open marker is settled (the user is told first), so look until
    # it is: under load the marker has been seen a moment after `done`.
    wait_for(lambda: open_turns.overdue(now=time.time() + 3600) == [], what="the open marker settled")


def test_an_idle_portals_sweep_never_touches_the_database(aws: dict, monkeypatch) -> None:
    from portal import services
    from portal.agents import overdue

    # Given no open turn, and a database that must not be woken (any use fails the test)
    def no_database() -> object:
        raise AssertionError("the sweep reached for the database with no overdue turn")

    monkeypatch.setattr(services, "db", no_database)

    # When the sweep runs, Then it reports nothing and never asked for the database
    assert overdue.sweep(now=time.time() + 3600) == {"overdue_turns_failed": 0, "overdue_turns_unrecorded": 0}


def _refused() -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "StartExecution"
    )


def _unreachable() -> Exception:
    from botocore.exceptions import EndpointConnectionError

    return EndpointConnectionError(endpoint_url="https://states.ap-northeast-2.amazonaws.com")


@pytest.mark.parametrize("failure", [_refused, _unreachable], ids=["refused", "unreachable"])
def test_a_turn_whose_workflow_cannot_start_leaves_nothing_stored(
    target, http, db, monkeypatch, failure
) -> None:
    from portal import services
    from portal.agents import open_turns

    class RefusingLauncher:
        """Step Functions refusing the start (throttled), or not reachable at all."""

        def start(self, turn: object) -> None:
            raise failure()

    # Given Step Functions refuses to start the workflow, or cannot be reached
    monkeypatch.setattr(services, "launcher", functools.cache(RefusingLauncher))
    conversation = http.post("/api/conversations", json={}, headers=auth()).json()
    before = db.fetch_one("SELECT count(*) AS n FROM messages")["n"]
    # When the user sends a message
    answer = http.post(
        f"/api/conversations/{conversation['id']}/messages", json={"content": "안녕하세요"}, headers=auth()
    )
    # Then they are told it was not started, and no question, answer or open turn is left behind
    assert answer.status_code == 503 and "nothing was stored" in answer.json()["error"]["message"]
    assert db.fetch_one("SELECT count(*) AS n FROM messages")["n"] == before
    assert open_turns.overdue(now=time.time() + 3600) == []
