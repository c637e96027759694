"""`portal bench turn`: the portal's own cost per chat turn, on the local target.

Turns go the whole way a user's do: REST accept -> Step Functions (moto's interpreter runs the
real ASL) -> supervisor -> worker -> PostgreSQL, streamed back over a WebSocket. The model is
the bench's InstantModel, which streams a fixed Korean answer with no delay, so every
millisecond measured is the portal's (and the local stand-ins'), none the model's.

Per turn, from the client: API accept (POST until 202), first streamed chunk, last chunk and
the closing `done`, each from the moment the POST was sent. From inside the process: the
supervisor's and the worker's handler time, the database time within them, and the state
machine's own time (from the API's StartExecution call to the supervisor, and from the
supervisor to the worker: the service's start, the interpreter's bookkeeping and dispatch). Shares are of the summed turn time (POST to
`done`). Run at concurrency 1 and 8 by default.
"""

from __future__ import annotations

import argparse
import contextvars
import json
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from portal.cli import bench
from portal.llm.base import Completed, ModelRequest, StreamEvent, TextDelta, Usage

# Goal (issue #14): p50 to the first chunk at most this far beyond the state machine's own p50.
FIRST_CHUNK_GOAL_MS = 50.0
QUESTION = "다음 주 팀 회의 안건을 정리해 주세요"
ANSWER = (
    "다음 주 팀 회의 안건을 정리했습니다. 첫째, 지난 분기 실적을 돌아보고 목표 대비 차이를 확인합니다. "
    "둘째, 신규 프로젝트 일정과 담당자를 정합니다. 셋째, 고객 문의 처리 현황과 개선 방안을 논의합니다. "
    "넷째, 교육 계획과 휴가 일정을 공유합니다. 마지막으로 다음 회의 날짜를 정합니다."
)
_DELTA_CHARS = 6  # about a token of Korean text per delta, as a real stream sends


class InstantModel:
    """A scripted provider that answers every request at once with ANSWER (the bench's model)."""

    name = "offline"

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        for start in range(0, len(ANSWER), _DELTA_CHARS):
            yield TextDelta(ANSWER[start : start + _DELTA_CHARS])
        yield Completed(Usage(len(QUESTION) // 2, len(ANSWER) // 2), request.model_id, "end_turn")


@dataclass
class TurnTimes:
    """One turn's marks, in perf_counter seconds (client marks) and durations (server)."""

    sent: float = 0.0
    accepted: float | None = None
    launched: float | None = None  # the API called StartExecution (server side)
    first_chunk: float | None = None
    last_chunk: float | None = None
    done: float | None = None
    supervisor_start: float | None = None
    supervisor_end: float | None = None
    worker_start: float | None = None
    worker_end: float | None = None
    db: float = 0.0
    chunks: int = 0
    text: list[str] = field(default_factory=list)


class Recorder:
    """Server-side marks: function invocations and database time, by the turn they served."""

    def __init__(self) -> None:
        self.turns: dict[str, TurnTimes] = defaultdict(TurnTimes)
        self.lock = threading.Lock()
        self.current: contextvars.ContextVar[str | None] = contextvars.ContextVar("bench_turn", default=None)

    def install(self) -> None:
        """Wrap the local Lambda dispatcher and the PostgreSQL executor (this process only)."""
        from portal.agents.launcher import TurnLauncher
        from portal.db import psycopg_executor
        from portal.local import functions

        original_invoke, original_run = functions.invoke, functions._invoke
        original_start = TurnLauncher.start
        recorder = self

        def marked_start(launcher: TurnLauncher, turn: Any) -> str:
            # The state machine's time begins when the portal asks for the execution: what the
            # API does after that (its 202, and in this one process the wait for the interpreter's
            # thread to yield) runs beside the state machine, not before it.
            launched = time.perf_counter()
            with recorder.lock:
                recorder.turns[str(turn.turn_id)].launched = launched
            return original_start(launcher, turn)

        def timed_invoke(name: str, event: Any) -> tuple[Any, str | None]:
            turn_id = event.get("turn_id") if isinstance(event, dict) else None
            if not turn_id or name not in ("portal-supervisor", "portal-worker-general"):
                return original_invoke(name, event)
            start = time.perf_counter()
            try:
                return original_invoke(name, event)
            finally:
                end = time.perf_counter()
                with recorder.lock:
                    t = recorder.turns[str(turn_id)]
                    if name == "portal-supervisor":
                        t.supervisor_start, t.supervisor_end = start, end
                    else:
                        t.worker_start, t.worker_end = start, end

        def run_marked(name: str, event: Any) -> tuple[Any, str | None]:
            # invoke() runs each handler in a fresh context (as Lambda starts each invocation
            # clean), so the turn a database call serves is marked inside that context.
            turn_id = event.get("turn_id") if isinstance(event, dict) else None
            if turn_id and name in ("portal-supervisor", "portal-worker-general"):
                recorder.current.set(str(turn_id))
            return original_run(name, event)

        functions.invoke = timed_invoke
        functions._invoke = run_marked
        TurnLauncher.start = marked_start  # type: ignore[method-assign,assignment]
        for cls in (psycopg_executor.PsycopgExecutor, psycopg_executor._ConnectionExecutor):
            for method in ("fetch_all", "fetch_one", "execute"):
                setattr(cls, method, self._timed(getattr(cls, method)))

    def _timed(self, fn: Any) -> Any:
        recorder = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            turn_id = recorder.current.get()
            if turn_id is None:
                return fn(*args, **kwargs)
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with recorder.lock:
                    recorder.turns[turn_id].db += time.perf_counter() - start

        return timed


def register(commands: Any, evals: Any) -> None:
    subcommands = bench.subcommands(commands)
    p = subcommands.add_parser("turn", help="per-turn overhead through the local target (instant model)")
    p.add_argument("--turns", type=int, default=50, help="turns per concurrency level")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 8], help="clients sending turns at once")
    p.add_argument("--data-dir", default=".local", help="where the embedded PostgreSQL lives")
    p.add_argument("--json", action="store_true", help="the last line is the summary as JSON")
    p.set_defaults(func=run)


def _client(
    base_url: str, ws_url: str, empno: str, turns: int, recorder: Recorder, errors: list[str]
) -> None:
    """One user: a socket, then `turns` turns one after another, each in a new conversation."""
    import httpx
    from websockets.sync.client import connect

    from portal.auth.local_issuer import mint_local_token
    from portal.settings import get_settings

    token = mint_local_token(get_settings(), empno=empno, name="벤치")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=base_url, headers=headers, timeout=60) as http,
        connect(f"{ws_url}?token={token}") as ws,
    ):
        for _ in range(turns):
            conversation = http.post("/api/conversations", json={})
            if conversation.status_code != 201:
                errors.append(f"create conversation: {conversation.status_code} {conversation.text[:200]}")
                return
            sent = time.perf_counter()
            reply = http.post(
                f"/api/conversations/{conversation.json()['id']}/messages", json={"content": QUESTION}
            )
            accepted = time.perf_counter()
            if reply.status_code != 202:
                errors.append(f"send message: {reply.status_code} {reply.text[:200]}")
                return
            turn_id = str(reply.json()["turn_id"])
            with recorder.lock:
                t = recorder.turns[turn_id]
                t.sent, t.accepted = sent, accepted
            while True:
                frame = json.loads(ws.recv(timeout=60))
                now = time.perf_counter()
                events = frame if isinstance(frame, list) else [frame]
                closing = False
                for event in events:
                    if event.get("turn_id") != turn_id:
                        continue
                    if event["type"] == "chunk":
                        t.first_chunk = t.first_chunk or now
                        t.last_chunk = now
                        t.chunks += 1
                        t.text.append(str(event["text"]))
                    elif event["type"] in ("done", "error"):
                        t.done = now
                        closing = True
                        if event["type"] == "error":
                            errors.append(f"turn {turn_id} failed: {event.get('message')}")
                if closing:
                    break


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0}
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50": round(statistics.median(ordered) * 1000, 1), "p95": round(p95 * 1000, 1)}


@dataclass(frozen=True)
class Marks:
    """A complete turn's marks, in seconds from the POST (durations for the functions)."""

    accept: float
    first_chunk: float
    last_chunk: float
    done: float
    state_machine: float  # StartExecution called -> supervisor, and supervisor -> worker
    supervisor: float
    worker: float
    db: float
    chunks: int


def _marks(t: TurnTimes) -> Marks | None:
    if None in (t.accepted, t.first_chunk, t.last_chunk, t.done, t.supervisor_start, t.supervisor_end):
        return None
    if t.launched is None or t.worker_start is None or t.worker_end is None:
        return None
    assert (
        t.accepted and t.first_chunk and t.last_chunk and t.done and t.supervisor_start and t.supervisor_end
    )
    return Marks(
        accept=t.accepted - t.sent,
        first_chunk=t.first_chunk - t.sent,
        last_chunk=t.last_chunk - t.sent,
        done=t.done - t.sent,
        state_machine=max(0.0, t.supervisor_start - t.launched) + max(0.0, t.worker_start - t.supervisor_end),
        supervisor=t.supervisor_end - t.supervisor_start,
        worker=t.worker_end - t.worker_start,
        db=t.db,
        chunks=t.chunks,
    )


def summarize(turns: list[TurnTimes]) -> dict[str, Any]:
    """p50/p95 in milliseconds of each mark, and where the turn time went."""
    complete = [m for m in map(_marks, turns) if m is not None]

    def ms(name: str) -> dict[str, float]:
        return _percentiles([getattr(m, name) for m in complete])

    def total(name: str) -> float:
        return float(sum(getattr(m, name) for m in complete))

    whole = total("done") or 1.0
    parts = {name: total(name) for name in ("accept", "state_machine", "supervisor", "worker", "db")}
    first, sm = ms("first_chunk"), ms("state_machine")
    return {
        "turns": len(complete),
        "incomplete": len(turns) - len(complete),
        "answer_chars": len(ANSWER),
        "chunks_per_turn": round(statistics.median(m.chunks for m in complete), 1) if complete else 0,
        "api_accept_ms": ms("accept"),
        "first_chunk_ms": first,
        "last_chunk_ms": ms("last_chunk"),
        "done_ms": ms("done"),
        "state_machine_ms": sm,
        "supervisor_ms": ms("supervisor"),
        "worker_ms": ms("worker"),
        "database_ms": ms("db"),
        # Of the summed turn time (POST sent -> done received); database is within supervisor and worker.
        "share": {
            "api_accept": round(parts["accept"] / whole, 3),
            "state_machine": round(parts["state_machine"] / whole, 3),
            "supervisor": round(parts["supervisor"] / whole, 3),
            "worker": round(parts["worker"] / whole, 3),
            "database": round(parts["db"] / whole, 3),
            "delivery_and_other": round(
                max(
                    0.0,
                    1
                    - (parts["accept"] + parts["state_machine"] + parts["supervisor"] + parts["worker"])
                    / whole,
                ),
                3,
            ),
        },
        "first_chunk_beyond_state_machine_ms": round(first["p50"] - sm["p50"], 1),
    }


def _round(
    target: Any, recorder: Recorder, errors: list[str], *, turns: int, concurrency: int
) -> dict[str, Any] | None:
    """`turns` turns from `concurrency` clients at once; their summary (None when a client failed)."""
    recorder.turns.clear()
    per_client = [turns // concurrency + (1 if i < turns % concurrency else 0) for i in range(concurrency)]
    threads = [
        threading.Thread(
            target=_client,
            args=(target.base_url, target.ws_url, f"B{concurrency:02d}{i:03d}", n, recorder, errors),
        )
        for i, n in enumerate(per_client)
        if n
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        return None
    # A worker returns just after its `done` was sent: let the last ones finish.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        t.sent and t.worker_end is None for t in list(recorder.turns.values())
    ):
        time.sleep(0.05)
    summary = summarize([t for t in list(recorder.turns.values()) if t.sent])
    summary["wall_seconds"] = round(wall, 2)
    summary["turns_per_second"] = round(summary["turns"] / wall, 2) if wall else 0.0
    return summary


def run(args: argparse.Namespace) -> int:
    if args.turns < 1 or any(c < 1 for c in args.concurrency):
        print("portal bench turn: --turns and --concurrency must be at least 1", file=sys.stderr)
        return 2
    from portal.db.embedded import start_embedded_postgres
    from portal.llm import service
    from portal.local.target import LocalTarget

    database = f"bench_turn_{uuid.uuid4().hex[:10]}"
    url = start_embedded_postgres(args.data_dir, database=database)
    recorder = Recorder()
    recorder.install()
    model = InstantModel()
    service.providers.cache_clear()
    original_providers = service.providers
    service.providers = lambda: {"offline": model}  # type: ignore[assignment]
    results: dict[str, Any] = {}
    errors: list[str] = []
    # The chat limit guards real users' spend; the bench sends hundreds of turns in a minute.
    extra_env = {"PORTAL_CHAT_RATE_LIMIT_PER_HOUR": "1000000"}
    try:
        with LocalTarget(data_dir=args.data_dir, database_url=url, extra_env=extra_env) as target:
            _warm_up(target, recorder, errors)
            for concurrency in args.concurrency:
                summary = _round(target, recorder, errors, turns=args.turns, concurrency=concurrency)
                if summary is None:
                    break
                results[str(concurrency)] = summary
                _print(concurrency, summary)
    finally:
        service.providers = original_providers
        _drop_database(url, database)
    if errors:
        for error in errors[:5]:
            print(f"portal bench turn: {error}", file=sys.stderr)
        return 1
    from portal.cli.coldstart import machine

    out = {
        "turns": args.turns,
        "model": "InstantModel (scripted, no delay)",
        "goal_first_chunk_beyond_state_machine_ms": FIRST_CHUNK_GOAL_MS,
        "machine": machine(),
        "by_concurrency": results,
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    return 0


def _warm_up(target: Any, recorder: Recorder, errors: list[str]) -> None:
    """One turn first: handlers import, pools open and moto creates its clients (a warm container)."""
    _client(target.base_url, target.ws_url, "B00000", 1, recorder, errors)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(t.worker_end is None for t in list(recorder.turns.values())):
        time.sleep(0.05)
    recorder.turns.clear()


def _drop_database(url: str, database: str) -> None:
    from psycopg.conninfo import make_conninfo

    from portal.db.psycopg_executor import PsycopgExecutor

    admin = PsycopgExecutor(make_conninfo(url, dbname="postgres"), min_size=1, max_size=1)
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        admin.close()


def _print(concurrency: int, s: dict[str, Any]) -> None:
    print(
        f"concurrency {concurrency}: {s['turns']} turns in {s['wall_seconds']} s ({s['turns_per_second']} turns/s)"
    )
    for label, key in (
        ("API accept", "api_accept_ms"),
        ("first chunk", "first_chunk_ms"),
        ("last chunk", "last_chunk_ms"),
        ("done", "done_ms"),
        ("state machine", "state_machine_ms"),
        ("supervisor", "supervisor_ms"),
        ("worker", "worker_ms"),
        ("database", "database_ms"),
    ):
        print(f"  {label:14s} p50 {s[key]['p50']:8.1f} ms   p95 {s[key]['p95']:8.1f} ms")
    share = "  ".join(f"{k} {v:.0%}" for k, v in s["share"].items())
    print(f"  share of turn time: {share}")
    beyond = s["first_chunk_beyond_state_machine_ms"]
    verdict = "within" if beyond <= FIRST_CHUNK_GOAL_MS else "over"
    print(
        f"  first chunk p50 is {beyond:.1f} ms beyond the state machine's p50 ({verdict} the {FIRST_CHUNK_GOAL_MS:.0f} ms goal)"
    )
