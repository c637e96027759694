"""`portal bench load`: N users, each with a socket, ask at once; every answer is checked chunk by chunk.

An asyncio driver (httpx + websockets, both already dependencies) rather than locust: what
matters here is per-turn integrity (every chunk `seq` exactly once, in order, then one
closing event, and the streamed text equal to the stored answer), which means correlating
each REST 202's turn id with that user's socket events. Locust measures request latency
per HTTP call, needs a plugin for WebSockets and gevent's monkey-patching; the checks would
still be code of ours. One process, one event loop, a few hundred sockets is well within
what asyncio handles on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from portal.cli import bench

QUESTION = "점심 메뉴를 하나 추천해 주세요. (부하 테스트 {n})"


@dataclass
class UserRun:
    """What one simulated user saw."""

    status: int | None = None  # of the POST
    turn_id: str | None = None
    chunks: list[int] = field(default_factory=list)  # seqs in arrival order
    text: str = ""
    closing: str | None = None  # done | error | None (never came)
    last_seq: int = 0  # what the closing event says was sent
    first_chunk_s: float | None = None
    done_s: float | None = None
    stored_matches: bool | None = None
    error: str | None = None

    @property
    def duplicated(self) -> int:
        return len(self.chunks) - len(set(self.chunks))

    @property
    def out_of_order(self) -> int:
        return sum(1 for a, b in zip(self.chunks, self.chunks[1:], strict=False) if b < a)

    @property
    def lost_chunks(self) -> int:
        return max(self.last_seq, *self.chunks, 0) - len(set(self.chunks))


@dataclass
class LoadReport:
    users: int
    accepted: int
    answered: int
    failed_turns: int
    lost: int  # accepted turns that never got a closing event
    lost_chunks: int
    duplicated: int
    out_of_order: int
    stored_mismatch: int
    http_5xx: int
    first_chunk_p50_s: float | None
    first_chunk_p95_s: float | None
    done_p50_s: float | None
    done_p95_s: float | None
    wall_s: float

    def table(self) -> str:
        rows = [(k, "-" if v is None else v) for k, v in asdict(self).items()]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def _closings(accepted: list[UserRun]) -> dict[str, int]:
    """How the accepted turns ended: answered, failed, or never closed (lost)."""
    return {
        "answered": sum(1 for r in accepted if r.closing == "done"),
        "failed_turns": sum(1 for r in accepted if r.closing == "error"),
        "lost": sum(1 for r in accepted if r.closing is None),
    }


def _stream_faults(accepted: list[UserRun]) -> dict[str, int]:
    """What went wrong in the streams: missing, repeated, reordered chunks, a stored answer that differs."""
    return {
        "lost_chunks": sum(r.lost_chunks for r in accepted),
        "duplicated": sum(r.duplicated for r in accepted),
        "out_of_order": sum(r.out_of_order for r in accepted),
        "stored_mismatch": sum(1 for r in accepted if r.stored_matches is False),
    }


def summarize(runs: list[UserRun], wall: float) -> LoadReport:
    accepted = [r for r in runs if r.status == 202]
    firsts = [r.first_chunk_s for r in accepted if r.first_chunk_s is not None]
    dones = [r.done_s for r in accepted if r.done_s is not None]
    return LoadReport(
        users=len(runs),
        accepted=len(accepted),
        **_closings(accepted),
        **_stream_faults(accepted),
        http_5xx=sum(1 for r in runs if r.status is not None and r.status >= 500),
        first_chunk_p50_s=_percentile(firsts, 50),
        first_chunk_p95_s=_percentile(firsts, 95),
        done_p50_s=_percentile(dones, 50),
        done_p95_s=_percentile(dones, 95),
        wall_s=round(wall, 2),
    )


def _apply(run: UserRun, event: dict[str, Any], began: float) -> None:
    """Record one socket event of the user's turn (chunks, and the closing done/error)."""
    if event.get("turn_id") != run.turn_id or event.get("type") == "message.created":
        return
    if event["type"] == "chunk":
        if run.first_chunk_s is None:
            run.first_chunk_s = time.monotonic() - began
        run.chunks.append(int(event["seq"]))
        run.text += event["text"]
    elif event["type"] in ("done", "error"):
        run.closing = event["type"]
        run.last_seq = int(event.get("last_seq") or 0)
        run.done_s = time.monotonic() - began


async def _receive_turn(ws: Any, run: UserRun, *, began: float, deadline: float) -> None:
    """Read the socket until the turn closes or the deadline passes."""
    while run.closing is None and time.monotonic() < deadline:
        try:
            raw = await asyncio.wait_for(ws.recv(), timeout=max(0.05, deadline - time.monotonic()))
        except TimeoutError:
            break
        _apply(run, json.loads(raw), began)


async def _one_user(
    n: int, *, base_url: str, ws_url: str, token: str, start: asyncio.Event, timeout: float, agent: str | None
) -> UserRun:
    import httpx
    from websockets.asyncio.client import connect

    run = UserRun()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with (
            httpx.AsyncClient(base_url=base_url, timeout=timeout) as http,
            connect(f"{ws_url}?token={token}", open_timeout=timeout, max_queue=None) as ws,
        ):
            created = await http.post("/api/conversations", json={}, headers=headers)
            if created.status_code != 201 and created.status_code != 200:
                run.status, run.error = created.status_code, "conversation not created"
                return run
            conversation_id = created.json()["id"]
            await start.wait()  # every user posts at once
            began = time.monotonic()
            posted = await http.post(
                f"/api/conversations/{conversation_id}/messages",
                json={"content": QUESTION.format(n=n), **({"agent": agent} if agent else {})},
                headers=headers,
            )
            run.status = posted.status_code
            if posted.status_code != 202:
                return run
            run.turn_id = posted.json()["turn_id"]
            await _receive_turn(ws, run, began=began, deadline=began + timeout)
            if run.closing == "done":
                listed = await http.get(f"/api/conversations/{conversation_id}/messages", headers=headers)
                answers = [m for m in listed.json()["items"] if m["role"] == "assistant"]
                run.stored_matches = len(answers) == 1 and answers[0]["content"] == run.text
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"
    return run


async def drive(
    *,
    base_url: str,
    ws_url: str,
    users: int,
    token_for: Callable[[int], str],
    timeout: float = 120.0,
    agent: str | None = None,
) -> tuple[list[UserRun], float]:
    """Run `users` users against a running portal; (their runs, wall seconds from the start signal)."""
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(
            _one_user(
                n,
                base_url=base_url,
                ws_url=ws_url,
                token=token_for(n),
                start=start,
                timeout=timeout,
                agent=agent,
            )
        )
        for n in range(users)
    ]
    await asyncio.sleep(0.5 + users * 0.02)  # let every socket connect and conversation exist
    began = time.monotonic()
    start.set()
    runs = await asyncio.gather(*tasks)
    return list(runs), time.monotonic() - began


def run_load(
    *,
    base_url: str,
    ws_url: str,
    users: int,
    token_for: Callable[[int], str],
    timeout: float = 120.0,
    agent: str | None = None,
) -> tuple[LoadReport, list[UserRun]]:
    """Drive the users and summarize (`agent` forces one worker, e.g. "general")."""
    runs, wall = asyncio.run(
        drive(
            base_url=base_url, ws_url=ws_url, users=users, token_for=token_for, timeout=timeout, agent=agent
        )
    )
    return summarize(runs, wall), runs


def register(commands: Any, evals: Any) -> None:
    subcommands = bench.subcommands(commands)
    p = subcommands.add_parser(
        "load",
        help="N users with sockets ask at once against `portal dev`; lost/duplicated chunks and latency",
    )
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--url", default="http://127.0.0.1:8000", help="the running `portal dev`")
    p.add_argument("--data-dir", default=".local", help="`portal dev`'s data dir (its issuer's signing key)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds each user waits for its answer")
    p.add_argument("--agent", default=None, help="force one worker (default: the supervisor routes)")
    p.add_argument("--json", action="store_true", help="print only the JSON summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    from portal.auth.local_issuer import mint_local_token
    from portal.settings import get_settings, reset_settings

    # Tokens from the dev server's own issuer: same key (data dir) and issuer URL.
    os.environ.setdefault("PORTAL_LOCAL_DATA_DIR", args.data_dir)
    os.environ["PORTAL_OIDC_ISSUER"] = f"{args.url.rstrip('/')}/oidc"
    reset_settings()
    settings = get_settings()
    ws_url = args.url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/ws"

    def token_for(n: int) -> str:
        return mint_local_token(settings, empno=f"L{n:05d}", name=f"부하{n}", ttl_seconds=3600)

    report, runs = run_load(
        base_url=args.url.rstrip("/"),
        ws_url=ws_url,
        users=args.users,
        token_for=token_for,
        timeout=args.timeout,
    )
    errors = [r.error for r in runs if r.error]
    if not args.json:
        print(report.table())
        if errors:
            print(f"\n{len(errors)} user run(s) broke, e.g.: {errors[0]}", file=sys.stderr)
    print(json.dumps(asdict(report), ensure_ascii=False))
    return 0 if report.lost == 0 and report.duplicated == 0 and report.out_of_order == 0 else 1
