"""`portal bench coldstart`: how long each Lambda handler takes to import in a fresh interpreter.

Import time is what a cold start adds on top of the runtime's own; the heavy SDKs
(anthropic ~0.9 s, langgraph ~0.6 s, google.genai ~0.4 s) must stay out of the API and
WebSocket functions. Each function is imported the way Lambda does: its directory on
sys.path, its handler module imported by name.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HEAVY = ("anthropic", "google.genai", "langgraph", "torch", "mcp", "opensearchpy")

_PROBE = """
import json, sys, time
sys.path.insert(0, {directory!r})
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "heavy": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def register(commands: argparse._SubParsersAction, evals: argparse._SubParsersAction) -> None:
    bench = commands.choices.get("bench") or commands.add_parser(
        "bench", help="measure the portal's throughput"
    )
    subcommands = getattr(bench, "portal_subcommands", None)
    if subcommands is None:
        subcommands = bench.add_subparsers(dest="bench_command", metavar="WHAT")
        subcommands.required = True
        bench.portal_subcommands = subcommands
    p = subcommands.add_parser(
        "coldstart", help="import time of every Lambda handler, fresh interpreter each"
    )
    p.add_argument("--runs", type=int, default=3, help="imports per function (the median is reported)")
    p.add_argument("--json", action="store_true", help="the last line is the summary as JSON")
    p.set_defaults(func=run)


def measure(directory: str, module: str, runs: int) -> dict:
    """Median import seconds of one handler module, and which heavy SDKs it loaded."""
    env = {**os.environ, "PORTAL_ENVIRONMENT": "local", "POWERTOOLS_METRICS_DISABLED": "true"}
    samples, heavy = [], []
    for _ in range(runs):
        code = _PROBE.format(directory=directory, module=module, heavy=HEAVY)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
        )
        if out.returncode != 0:
            raise RuntimeError(f"{module} failed to import: {out.stderr.strip().splitlines()[-1:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        samples.append(result["seconds"])
        heavy = result["heavy"]
    return {"seconds": round(statistics.median(samples), 3), "heavy": heavy}


def run(args: argparse.Namespace) -> int:
    from portal.local.functions import FUNCTIONS, repo_root

    rows = []
    for fn in FUNCTIONS:
        module = fn.handler.rsplit(".", 1)[0]
        result = measure(str(repo_root() / "functions" / fn.directory), module, max(1, args.runs))
        rows.append({"function": fn.name, **result})
        print(f"{fn.name:32s} {result['seconds']:6.3f} s  {' '.join(result['heavy']) or '-'}", flush=True)
    summary = {
        "runs": args.runs,
        "functions": {r["function"]: r["seconds"] for r in rows},
        "api_seconds": next(r["seconds"] for r in rows if r["function"] == "portal-api"),
        "api_heavy": next(r["heavy"] for r in rows if r["function"] == "portal-api"),
    }
    if args.json:
        print(json.dumps(summary))
    return 0
