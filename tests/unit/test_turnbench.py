"""`portal bench turn` attributes database time to the turn a function invocation served.

The local dispatcher runs every handler in a fresh context (as Lambda starts each invocation
clean), so a mark set around the dispatch would not be seen by the database calls inside it:
the bench once reported 0 ms of database time for every turn.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from portal.cli.turnbench import Recorder
from portal.db import psycopg_executor
from portal.local import functions


def test_database_time_inside_an_invocation_counts_for_its_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    # The recorder patches these in place; monkeypatch puts the originals back afterwards.
    monkeypatch.setattr(functions, "invoke", functions.invoke)
    monkeypatch.setattr(functions, "_invoke", functions._invoke)
    monkeypatch.setattr(functions, "load_handler", lambda name: handler)
    for cls in (psycopg_executor.PsycopgExecutor, psycopg_executor._ConnectionExecutor):
        for method in ("fetch_all", "fetch_one", "execute"):
            monkeypatch.setattr(cls, method, getattr(cls, method))

    def slow_query(self: Any, sql: str, params: Any = None) -> None:
        time.sleep(0.02)

    monkeypatch.setattr(psycopg_executor.PsycopgExecutor, "fetch_one", slow_query)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        psycopg_executor.PsycopgExecutor.fetch_one(object(), "SELECT 1")  # type: ignore[arg-type]
        return {"ok": True}

    recorder = Recorder()
    recorder.install()
    result, error = functions.invoke("portal-supervisor", {"turn_id": "t-1"})
    functions.invoke("portal-api", {"turn_id": "t-2"})  # not a turn's function: not attributed

    assert (result, error) == ({"ok": True}, None)
    marks = recorder.turns["t-1"]
    assert marks.db >= 0.02
    assert marks.supervisor_start is not None and marks.supervisor_end is not None
    assert marks.supervisor_end - marks.supervisor_start >= marks.db
    assert "t-2" not in recorder.turns


def test_the_state_machine_is_timed_from_the_start_execution_call() -> None:
    # The API's 202 can reach the client after the supervisor has started (the interpreter runs
    # beside the API's reply); the state machine's time starts when the portal asks for it.
    from portal.cli.turnbench import TurnTimes, summarize

    turn = TurnTimes(
        sent=0.0,
        launched=0.020,
        accepted=0.040,
        supervisor_start=0.035,
        supervisor_end=0.038,
        worker_start=0.045,
        first_chunk=0.060,
        last_chunk=0.080,
        done=0.090,
        worker_end=0.085,
        chunks=3,
    )
    summary = summarize([turn])
    assert summary["state_machine_ms"]["p50"] == pytest.approx(15.0 + 7.0)  # 20 -> 35, 38 -> 45
    assert summary["api_accept_ms"]["p50"] == pytest.approx(40.0)
    assert summary["first_chunk_beyond_state_machine_ms"] == pytest.approx(60.0 - 22.0)
    assert summarize([TurnTimes(sent=0.0, accepted=0.04)])["turns"] == 0  # incomplete turns are left out


def test_the_recorder_marks_the_launch_of_each_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.agents.launcher import TurnLauncher
    from portal.agents.turn import TurnInput

    monkeypatch.setattr(TurnLauncher, "start", TurnLauncher.start)
    monkeypatch.setattr(functions, "invoke", functions.invoke)
    monkeypatch.setattr(functions, "_invoke", functions._invoke)
    for cls in (psycopg_executor.PsycopgExecutor, psycopg_executor._ConnectionExecutor):
        for method in ("fetch_all", "fetch_one", "execute"):
            monkeypatch.setattr(cls, method, getattr(cls, method))

    class Sfn:
        def start_execution(self, **kwargs: Any) -> dict[str, str]:
            return {"executionArn": "arn:aws:states:x:1:execution:chat:" + kwargs["name"]}

    recorder = Recorder()
    recorder.install()
    turn = TurnInput(turn_id="t-9", conversation_id="c", message_id="m", empno="E1")
    before = time.perf_counter()
    assert TurnLauncher(Sfn(), "arn:aws:states:x:1:stateMachine:chat").start(turn).endswith(":t-9")
    launched = recorder.turns["t-9"].launched
    assert launched is not None and before <= launched <= time.perf_counter()
