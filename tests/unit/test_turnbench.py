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
