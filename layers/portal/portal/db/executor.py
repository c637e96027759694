"""The one interface repositories use to run SQL: named parameters in, plain dict rows out.

SQL is written once with ``:name`` parameters (the RDS Data API's syntax). Two executors
run it: psycopg against a real PostgreSQL (local target, tests) and the Data API in AWS.
Both return rows with the same Python types: UUIDs as ``str``, JSON/JSONB as Python
values, timestamps as aware ``datetime``, numerics as ``float``/``int``.

Parameters are str, int, float, bool, None, datetime, or dict/list (sent as JSON text).
The SQL casts what is not text, e.g. ``:id::uuid`` or ``:meta::jsonb``, because the Data
API sends untyped strings as varchar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

Row = dict[str, Any]
Params = Mapping[str, Any]

# ``:name`` but not ``::type`` casts, and not inside a '...' string literal.
_NAMED_PARAM = re.compile(r"'(?:[^']|'')*'|(?<![:\w]):([A-Za-z_]\w*)")


def to_pyformat(sql: str) -> str:
    """Rewrite ``:name`` parameters as psycopg's ``%(name)s`` (escaping literal %)."""

    def repl(match: re.Match[str]) -> str:
        if match.group(1) is None:  # a string literal: keep, but escape % for pyformat
            return match.group(0).replace("%", "%%")
        return f"%({match.group(1)})s"

    out: list[str] = []
    last = 0
    for match in _NAMED_PARAM.finditer(sql):
        out.append(sql[last : match.start()].replace("%", "%%"))
        out.append(repl(match))
        last = match.end()
    out.append(sql[last:].replace("%", "%%"))
    return "".join(out)


def param_names(sql: str) -> set[str]:
    """The named parameters a statement uses."""
    return {m.group(1) for m in _NAMED_PARAM.finditer(sql) if m.group(1)}


class Executor(Protocol):
    """Runs SQL with named parameters. Implementations are thread-safe."""

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]: ...

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None: ...

    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a statement; return the number of rows it affected."""
        ...

    def transaction(self) -> Any:
        """A context manager yielding an Executor whose statements commit or roll back together."""
        ...

    def ping(self) -> bool: ...
