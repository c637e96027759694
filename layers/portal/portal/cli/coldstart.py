"""`portal bench coldstart`: each Lambda handler's import time beside its floor, fresh interpreters.

Import time is what a cold start adds on top of the runtime's own. A number alone says little
on a shared machine, so each function is measured against its *floor*: the third-party
libraries it cannot serve a request without (FLOORS names them per kind of function),
imported the same way in the same run. Function and floor probes are interleaved, run after
run, so load on the machine hits both alike; the ratio of the medians is the figure to watch
(goal: <= 1.25). Both import from the same warm bytecode cache (a first, untimed round fills
it), so a ratio compares import work, not who happened to have .pyc files on disk.

Each probe is a fresh interpreter that imports the handler the way Lambda does (its directory
on sys.path, the handler module by name) and reports the import's wall time, the process's
peak RSS, and which of the WATCHED modules it loaded (SDKs a handler must not pay for at
import: the model SDKs, the X-Ray SDK, langchain-core's tracers...). A floor's libraries are
imported as a handler imports (the cyclic collector paused, then frozen: portal/startup.py).

The ratio the goal is judged on is taken inside one interpreter: a paired probe imports the
function's floor libraries (timed), then its handler module (timed); the import does the same
work as the handler's alone, and the ratio (floor + rest) / floor compares two parts that ran
on the same machine at the same moment. On a shared 2-core VM a fresh interpreter's speed swings
by a third from one probe to the next, so the ratio of two medians over separate interpreters
(also printed, "across") moved by +-0.1 between runs of one tree; the paired one by +-0.03.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from portal.cli import bench

# Modules whose presence after import is reported (and, for the API and WebSocket functions,
# is a failure of the cold-start budget): heavy SDKs that only some code paths call.
WATCHED = (
    "anthropic",
    "google.genai",
    "langgraph",
    "langchain_core.tracers",
    "torch",
    "onnxruntime",
    "mcp",
    "opensearchpy",
    "aws_xray_sdk",
    "psycopg",
    "pypdf",
    "docx",
    "pptx",
    "openpyxl",
)
# Backwards-compatible name: the model/graph SDKs the API and WebSocket functions must not load.
HEAVY = ("anthropic", "google.genai", "langgraph", "torch", "mcp", "opensearchpy")

# Logging and metrics (Powertools) run on every invocation of every function.
_POWERTOOLS = ("aws_lambda_powertools.logging", "aws_lambda_powertools.metrics")
# Settings, DynamoDB/S3/Data API (boto3) and logging: what any portal function needs.
_TASK = ("boto3", "pydantic_settings", *_POWERTOOLS)


@dataclass(frozen=True)
class Floor:
    """The libraries a kind of function cannot serve a request without."""

    name: str
    imports: tuple[str, ...]
    why: str


FLOORS: dict[str, Floor] = {
    "api": Floor(
        "api",
        ("fastapi", "mangum", "jwt", *_TASK),
        "FastAPI behind Mangum, bearer tokens checked with PyJWT",
    ),
    "ws": Floor("ws", ("jwt", *_TASK), "$connect checks the token; connections live in DynamoDB"),
    "graph": Floor("graph", ("langgraph.graph", *_TASK), "a chat worker runs one LangGraph graph"),
    "task": Floor("task", _TASK, "a Step Functions or maintenance task: settings, AWS clients, logs"),
}


def floor_of(directory: str, layers: tuple[str, ...] = ()) -> Floor:
    """Which floor a function is held to: by its directory, and for agents by its layers."""
    if directory == "api":
        return FLOORS["api"]
    if directory == "ws":
        return FLOORS["ws"]
    if directory == "agents" and "agents" in layers:
        return FLOORS["graph"]
    return FLOORS["task"]


# The API imports a route module at the first request for its path (portal/api/app.py), so its
# import alone would flatter it: the bench also times one request after the import, through the
# Lambda handler: GET /api/me without a token (routing, the auth dependency and PyJWT, a 401).
_API_FIRST_REQUEST = """
import types
event = {
    "resource": "/{proxy+}", "path": "/api/me", "httpMethod": "GET",
    "headers": {"Host": "bench"}, "multiValueHeaders": {"Host": ["bench"]},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": {"proxy": "api/me"}, "stageVariables": None, "body": None, "isBase64Encoded": False,
    "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": "GET", "path": "/api/me",
                       "stage": "prod", "requestId": "bench", "identity": {"sourceIp": "127.0.0.1"}},
}
context = types.SimpleNamespace(
    function_name="portal-api", memory_limit_in_mb=512, aws_request_id="bench",
    invoked_function_arn="arn:aws:lambda:ap-northeast-2:000000000000:function:portal-api",
    get_remaining_time_in_millis=lambda: 29000,
)
assert handler.handler(event, context)["statusCode"] == 401
"""

# Packages installed here that the function's layers would not hold (dev tools, other layers'
# packages) are hidden from its probes, as they are absent in Lambda: an import of one fails,
# and an optional import (httpx's command line, which loads click, rich and pygments when they
# are installed: ~150 ms here) falls back as it does there.
_HIDE = """
import sys
class _NotInLayers:
    hidden = frozenset({hidden!r})
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.hidden:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not in the function's layers)", name=name)
        return None
sys.meta_path.insert(0, _NotInLayers())
"""

_PROBE = """{hide}
import json, resource, sys, time
if {directory!r}:
    sys.path.insert(0, {directory!r})
start = time.perf_counter()
{pause}{imports}
{resume}elapsed = time.perf_counter() - start
first = time.perf_counter()
{first_call}
first_call = time.perf_counter() - first
print(json.dumps({{
    "seconds": elapsed,
    "first_call_seconds": first_call,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "modules": len(sys.modules),
    "loaded": [m for m in {watched!r} if m in sys.modules],
}}))
"""


# A floor's libraries imported the way a handler imports (portal/startup.py, handler_imports):
# the cyclic collector paused, then what the imports made frozen. The handlers do this in their
# own code; the floor probe does it here, so the ratio compares import work, not who crossed a
# full collection first.
_PAUSE = "import gc\ngc.disable()\n"
_RESUME = "gc.freeze()\ngc.enable()\n"


# The paired probe: the floor's libraries, then the handler (then, for the API, its first request),
# in one interpreter, each part timed.
# The collector is paused across both, as the handler's own imports pause it (its
# handler_imports() leaves a paused collector paused), then frozen.
_PAIRED = """{hide}
import gc, json, sys, time
sys.path.insert(0, {directory!r})
gc.disable()
start = time.perf_counter()
{floor_imports}
floor = time.perf_counter()
import {module}
rest = time.perf_counter()
gc.freeze()
gc.enable()
handler = sys.modules[{module!r}]
{first_call}
first_call = time.perf_counter() - rest
print(json.dumps({{"floor_seconds": floor - start, "rest_seconds": rest - floor, "first_call_seconds": first_call}}))
"""


def _env(pycache: str | None) -> dict[str, str]:
    """A probe's environment: the local target's settings, no metrics flush, no X-Ray SDK."""
    env = {
        **os.environ,
        "PORTAL_ENVIRONMENT": "local",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    if pycache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PORTAL_XRAY_SDK", None)  # measure the default: no X-Ray SDK
    return env


def _run(code: str, pycache: str | None, what: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(pycache), timeout=180
    )
    if out.returncode != 0:
        last = out.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"importing {what} failed: {last[0]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def paired_probe(
    floor: tuple[str, ...],
    directory: str,
    module: str,
    first_call: str = "",
    pycache: str | None = None,
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One fresh interpreter: the floor's libraries, then the handler module, then first_call (with
    the module as `handler`); each part's seconds."""
    code = _PAIRED.format(
        hide=_HIDE.format(hidden=sorted(hidden)) if hidden else "",
        directory=directory,
        floor_imports="\n".join(f"import {m}" for m in floor),
        module=module,
        first_call=first_call or "pass",
    )
    return _run(code, pycache, f"{', '.join(floor)} then {module}")


def probe(
    imports: tuple[str, ...],
    directory: str = "",
    first_call: str = "",
    pycache: str | None = None,
    *,
    as_handler: bool = False,
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One fresh interpreter: import these modules (then run first_call, timed apart); seconds,
    peak RSS (MB), watched modules loaded. `as_handler`: with the collector paused as a handler's
    imports are (for floors: a handler module does it itself).

    With `pycache`, every module's bytecode is read from (and written to) that directory alone,
    so a function and its floor compile alike: both from source on the first probe, both from
    the cache after it. Without it, no bytecode is written (site-packages has pip's, the portal's
    sources may have none: fine for seeing what loads, not for comparing times)."""
    code = _PROBE.format(
        hide=_HIDE.format(hidden=sorted(hidden)) if hidden else "",
        directory=directory,
        imports="\n".join(f"import {m}" for m in imports),
        pause=_PAUSE if as_handler else "",
        resume=_RESUME if as_handler else "",
        first_call=first_call or "pass",
        watched=WATCHED,
    )
    return _run(code, pycache, ", ".join(imports))


def _stats(samples: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
    }


def measure(directory: str, module: str, runs: int) -> dict[str, Any]:
    """Median import seconds of one handler module, and which heavy SDKs it loaded."""
    samples = [probe((module,), directory) for _ in range(max(1, runs))]
    loaded = samples[-1]["loaded"]
    return {
        "seconds": round(statistics.median(s["seconds"] for s in samples), 3),
        "heavy": [m for m in HEAVY if m in loaded],
        "loaded": loaded,
    }


def register(commands: Any, evals: Any) -> None:
    subcommands = bench.subcommands(commands)
    p = subcommands.add_parser(
        "coldstart", help="import time of every Lambda handler beside its floor, fresh interpreters"
    )
    p.add_argument("--runs", type=int, default=5, help="fresh interpreters per function and per floor")
    p.add_argument(
        "--only",
        action="append",
        default=None,
        metavar="FUNCTION",
        help="measure these functions (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="the last line is the summary as JSON")
    p.set_defaults(func=run)


def machine() -> dict[str, Any]:
    """What the figures were measured on (the README's table prints it)."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), model)
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_1m": round(load, 2) if load is not None else None,
    }


GOAL_RATIO = 1.25
API = "portal-api"


@dataclass(frozen=True)
class Target:
    """A function to probe: its code directory, handler module, floor, and what its layers lack."""

    directory: str
    module: str
    floor: Floor
    hidden: frozenset[str]


def hidden_modules(allowed: set[str]) -> frozenset[str]:
    """Top-level modules of the installed distributions not in `allowed` (normalized names)."""
    from importlib.metadata import packages_distributions

    from infra.bundling import normalize

    return frozenset(
        module
        for module, dists in packages_distributions().items()
        if module != "portal" and not any(normalize(d) in allowed for d in dists)
    )


def _targets(selected: list[Any]) -> dict[str, Target]:
    """The selected functions with their floors and hidden modules (from infra's layer lists)."""
    import sysconfig
    from pathlib import Path

    from portal.local.functions import repo_root

    if str(repo_root()) not in sys.path:
        sys.path.insert(0, str(repo_root()))  # infra/ is the checkout's, not an installed package
    from infra.bundling import installed_closure

    site = Path(sysconfig.get_paths()["purelib"])
    layers = _layers_by_name()
    targets = {}
    for fn in selected:
        its_layers = layers.get(fn.spec_name, ())
        targets[fn.name] = Target(
            str(repo_root() / "functions" / fn.directory),
            fn.handler.rsplit(".", 1)[0],
            floor_of(fn.directory, its_layers),
            hidden_modules(installed_closure(its_layers, site)),
        )
    return targets


def _floor_hidden(targets: dict[str, Target], floor: Floor) -> frozenset[str]:
    """A floor probe hides what none of the functions held to it has."""
    sets = [t.hidden for t in targets.values() if t.floor.name == floor.name]
    return frozenset.intersection(*sets) if sets else frozenset()


def _sample(
    runs: int, targets: dict[str, Target], floors: dict[str, Floor]
) -> dict[str, list[dict[str, Any]]]:
    """`runs` probes of every function and every floor, interleaved: a busy spell hits all alike.

    A first, untimed round fills a bench-private bytecode cache, so the timed rounds compare
    import work alone. (This machine's environment may forbid writing bytecode, which left the
    floor's libraries compiled by pip and the portal compiled from source in every probe.) The
    deployed layers ship no bytecode (built on 3.11 for a 3.14 runtime): in Lambda both sides
    compile at a cold start.
    """
    samples: dict[str, list[dict[str, Any]]] = {
        name: [] for name in [*targets, *(f"floor:{f}" for f in floors)]
    }
    with tempfile.TemporaryDirectory(prefix="portal-coldstart-pyc-") as pycache:
        for round_no in range(runs + 1):
            timed = round_no > 0
            for floor in floors.values():
                hidden = _floor_hidden(targets, floor)
                got = probe(floor.imports, pycache=pycache, as_handler=True, hidden=hidden)
                if timed:
                    samples[f"floor:{floor.name}"].append(got)
            for name, t in targets.items():
                first_call = _API_FIRST_REQUEST if name == API else ""
                got = probe((t.module,), t.directory, first_call, pycache=pycache, hidden=t.hidden)
                paired = paired_probe(
                    t.floor.imports, t.directory, t.module, first_call, pycache=pycache, hidden=t.hidden
                )
                if timed:
                    samples[name].append({**got, "paired": paired})
            label = f"round {round_no}/{runs} done" if timed else "bytecode cache filled (untimed)"
            print(label, file=sys.stderr, flush=True)
    return samples


def _summary_of(got: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "seconds": _stats([s["seconds"] for s in got]),
        "peak_mb": round(statistics.median(s["peak_mb"] for s in got), 1),
        "modules": got[-1]["modules"],
        "loaded": got[-1]["loaded"],
    }


def _paired_ratio(pairs: list[dict[str, float]]) -> float | None:
    """The median over interpreters of (floor + rest) / floor, each pair from one interpreter."""
    ratios = [
        (p["floor_seconds"] + p["rest_seconds"]) / p["floor_seconds"] for p in pairs if p["floor_seconds"] > 0
    ]
    return round(statistics.median(ratios), 2) if ratios else None


def _function_rows(
    targets: dict[str, Target],
    samples: dict[str, list[dict[str, Any]]],
    floor_rows: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Each function's times against its floor (the API also with its first request)."""
    rows: dict[str, dict[str, Any]] = {}
    for name, target in targets.items():
        floor = target.floor
        row = _summary_of(samples[name])
        floor_median = floor_rows[floor.name]["seconds"]["median"]
        across = round(row["seconds"]["median"] / floor_median, 2) if floor_median else None
        ratio = _paired_ratio([s["paired"] for s in samples[name]])
        rows[name] = {
            **row,
            "floor": floor.name,
            "ratio": ratio,
            "ratio_across_interpreters": across,
            "beyond_floor_ms": _stats([s["paired"]["rest_seconds"] * 1000 for s in samples[name]]),
            "within_goal": ratio is not None and ratio <= GOAL_RATIO,
        }
        if name == API:
            # Import plus the first request, against the same floor (which serves no request at all).
            with_request = [s["seconds"] + s["first_call_seconds"] for s in samples[name]]
            pairs = [s["paired"] for s in samples[name]]
            rows[name]["with_first_request"] = {
                "seconds": _stats(with_request),
                "request": "GET /api/me without a token (401)",
                "ratio": _paired_ratio(
                    [{**p, "rest_seconds": p["rest_seconds"] + p["first_call_seconds"]} for p in pairs]
                ),
                "ratio_across_interpreters": round(statistics.median(with_request) / floor_median, 2)
                if floor_median
                else None,
            }
    return rows


def run(args: argparse.Namespace) -> int:
    from portal.local.functions import FUNCTIONS

    runs = max(1, args.runs)
    selected = [fn for fn in FUNCTIONS if not args.only or fn.name in args.only]
    if not selected:
        print(f"portal bench coldstart: no function named {', '.join(args.only)}", file=sys.stderr)
        return 2
    targets = _targets(selected)
    floors = {t.floor.name: t.floor for t in targets.values()}
    samples = _sample(runs, targets, floors)
    floor_rows = {
        f.name: {"imports": list(f.imports), "why": f.why, **_summary_of(samples[f"floor:{f.name}"])}
        for f in floors.values()
    }
    rows = _function_rows(targets, samples, floor_rows)
    _print_table(rows, floor_rows, runs)
    summary = {
        "runs": runs,
        "goal_ratio": GOAL_RATIO,
        "machine": machine(),
        "floors": floor_rows,
        "functions": rows,
        "all_within_goal": all(r["within_goal"] for r in rows.values()),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    return 0


def _layers_by_name() -> dict[str, tuple[str, ...]]:
    """Each deployed function's layers, by its infra/functions.py name (loaded by portal.local.functions)."""
    import portal.local.functions  # noqa: F401 - loads infra/functions.py as _portal_infra_functions

    module = sys.modules["_portal_infra_functions"]
    return {fn.name: tuple(str(layer) for layer in fn.layers) for fn in module.ALL_FUNCTIONS}


def _print_table(rows: dict[str, dict[str, Any]], floors: dict[str, dict[str, Any]], runs: int) -> None:
    print(
        f"import seconds over {runs} fresh interpreters: median [min-max]. ratio: in one interpreter, "
        f"(floor + the rest) / floor, median (the goal, {GOAL_RATIO}); beyond: the rest, ms; "
        "across: median / floor median over separate interpreters"
    )
    print(
        f"{'function':30s} {'import s':>22s} {'floor':>6s} {'floor s':>7s} {'ratio':>6s} {'beyond':>8s} "
        f"{'across':>6s} {'peak MB':>8s}  loaded"
    )
    for name, r in rows.items():
        s = r["seconds"]
        floor_s = floors[r["floor"]]["seconds"]["median"]
        mark = "" if r["within_goal"] else " !"
        print(
            f"{name:30s} {s['median']:6.3f} [{s['min']:.3f}-{s['max']:.3f}] {r['floor']:>6s} {floor_s:7.3f} "
            f"{r['ratio']:5.2f}{mark:2s}{r['beyond_floor_ms']['median']:6.0f}ms {r['ratio_across_interpreters']:6.2f} "
            f"{r['peak_mb']:7.1f}  {' '.join(r['loaded']) or '-'}"
        )
    api = rows.get(API, {}).get("with_first_request")
    if api:
        s = api["seconds"]
        print(
            f"{API} import + first request ({api['request']}): {s['median']:.3f} [{s['min']:.3f}-{s['max']:.3f}] s, "
            f"{api['ratio']:.2f}x its floor in one interpreter ({api['ratio_across_interpreters']:.2f}x across)"
        )
    print("floors:")
    for name, f in floors.items():
        s = f["seconds"]
        print(
            f"  {name:6s} {s['median']:6.3f} [{s['min']:.3f}-{s['max']:.3f}] {f['peak_mb']:6.1f} MB  "
            f"import {', '.join(f['imports'])}  ({f['why']})"
        )
