"""`portal` console script: one argparse tree; each command module registers itself."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules exposing ``register(commands, evals)``; imported lazily so `portal --help` is fast
# and a command only pays for what it uses.
COMMAND_MODULES: tuple[str, ...] = (
    "portal.cli.dev",
    "portal.cli.token",
    "portal.cli.chat",
    "portal.cli.db",
    "portal.cli.routing",
    "portal.cli.files",
    "portal.cli.coldstart",
    "portal.cli.turnbench",
    "portal.cli.perfreport",
    "portal.cli.load",
    "portal.cli.embedder",
    "portal.cli.searchbench",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="AI portal command line")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    eval_parser = commands.add_parser("eval", help="measure routing or retrieval quality")
    evals = eval_parser.add_subparsers(dest="eval_command", metavar="WHAT")
    evals.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, evals)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
