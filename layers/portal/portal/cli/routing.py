"""`portal route TEXT` and `portal eval routing FILE.jsonl`: the rule-based router from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2


def register(commands: Any, evals: Any) -> None:
    """Add `route` to the top-level commands and `routing` to `portal eval`."""
    route = commands.add_parser(
        "route",
        help="show which worker agent a message would be routed to",
        description="Classify one message with the rule-based router (no LLM).",
    )
    route.add_argument("text", nargs="+", help="the message (several words are joined with spaces)")
    route.add_argument("--json", action="store_true", help="print one JSON line")
    route.add_argument(
        "--attachment", action="append", default=[], metavar="NAME", help="an attached file name (repeatable)"
    )
    route.add_argument("--previous", metavar="AGENT", help="the agent that answered the previous turn")
    route.add_argument(
        "--allow",
        action="append",
        metavar="AGENT",
        help="restrict candidates (repeatable; general is always allowed)",
    )
    route.set_defaults(func=_route)

    routing = evals.add_parser(
        "routing",
        help="measure routing accuracy on labelled JSONL",
        description='Each line: {"text": ..., "agent": ..., "attachments"?: [...], "previous_agent"?: ...}',
    )
    routing.add_argument("file", type=Path, metavar="FILE.jsonl")
    routing.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    routing.add_argument(
        "--min-accuracy",
        type=float,
        metavar="X",
        help=f"exit {EXIT_BELOW_THRESHOLD} when accuracy is below X",
    )
    routing.set_defaults(func=_eval_routing)


def _route(args: argparse.Namespace) -> int:
    from portal.agents.classifier import AGENTS, classify

    for name in [args.previous, *(args.allow or [])]:
        if name is not None and name not in AGENTS:
            print(
                f"portal route: error: unknown agent {name!r}; expected one of {', '.join(AGENTS)}",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
    result = classify(
        " ".join(args.text), attachments=args.attachment, previous_agent=args.previous, allowed=args.allow
    )
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return EXIT_OK
    print(f"agent:      {result.agent}")
    print(
        f"confidence: {result.confidence:.2f}"
        + ("  (unsure: confirm with an LLM intent call)" if result.unsure else "")
    )
    print(f"reason:     {result.reason}")
    runners = ", ".join(f"{agent} {p:.2f}" for agent, p in result.runners_up) or "-"
    print(f"runners-up: {runners}")
    return EXIT_OK


def _eval_routing(args: argparse.Namespace) -> int:
    from portal.agents.routing_eval import RoutingDataError, evaluate, render_table

    path: Path = args.file
    try:
        with path.open(encoding="utf-8") as handle:
            report = evaluate(handle)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"portal eval routing: error: cannot read {path}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RoutingDataError as exc:
        print(f"portal eval routing: error: {path}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(render_table(report))
    if args.min_accuracy is not None and report.accuracy < args.min_accuracy:
        print(
            f"portal eval routing: accuracy {report.accuracy:.3f} is below {args.min_accuracy:.3f}",
            file=sys.stderr,
        )
        return EXIT_BELOW_THRESHOLD
    return EXIT_OK
