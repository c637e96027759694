"""`portal bench …`: the one `bench` parser the benchmark command modules add their subcommands to."""

from __future__ import annotations

from typing import Any


def subcommands(commands: Any) -> Any:
    """The `bench` command's subparsers, created by whichever command module asks first."""
    bench = commands.choices.get("bench") or commands.add_parser(
        "bench", help="measure the portal's throughput"
    )
    found = getattr(bench, "portal_subcommands", None)
    if found is None:
        found = bench.add_subparsers(dest="bench_command", metavar="WHAT")
        found.required = True
        bench.portal_subcommands = found  # another command module may add its own benchmark
    return found
