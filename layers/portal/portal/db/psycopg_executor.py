"""Executor over psycopg 3 and a connection pool: the local target and the tests.

Every wait is bounded (connect, pool wait, statement) and a database that does not answer
surfaces as ``DatabaseUnavailable`` (503 + Retry-After), never as a 30 s hang then a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.numeric import FloatLoader
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from portal.db.executor import Params, Row, to_pyformat
from portal.errors import DatabaseUnavailable
from portal.invocation import remaining_seconds
from portal.observability import logger

# Keep this much of a Lambda invocation for answering when waiting for a pooled connection.
RESERVED_SECONDS = 1.0


def _prepare(params: Params | None) -> dict[str, Any]:
    # dict/list travel as JSON text; the SQL casts them (::jsonb), same as with the Data API.
    return {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
        for k, v in (params or {}).items()
    }


def _configure(conn: psycopg.Connection) -> None:
    """Make psycopg rows look like the Data API executor's rows (UUID/inet as str, numeric as float)."""
    for oid_name, loader in (("uuid", TextLoader), ("numeric", FloatLoader), ("inet", TextLoader)):
        conn.adapters.register_loader(oid_name, loader)


class _ConnectionExecutor:
    """Runs statements on one connection (inside a transaction)."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._conn.cursor(row_factory=dict_row) as cur:
            cur.execute(to_pyformat(sql), _prepare(params))
            return list(cur.fetchall()) if cur.description else []

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Params | None = None) -> int:
        with self._conn.cursor() as cur:
            cur.execute(to_pyformat(sql), _prepare(params))
            return max(cur.rowcount, 0)

    @contextmanager
    def transaction(self) -> Iterator[_ConnectionExecutor]:
        with self._conn.transaction():
            yield self

    def ping(self) -> bool:
        return True


class PsycopgExecutor:
    """Thread-safe executor: every call borrows a pooled connection (autocommit)."""

    def __init__(
        self,
        conninfo: str,
        *,
        min_size: int = 1,
        max_size: int = 8,
        connect_timeout: int = 2,
        pool_wait: float = 2.0,
        statement_timeout: float = 20.0,
    ) -> None:
        self.conninfo = conninfo
        self._pool_wait = pool_wait
        self._pool = ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            kwargs={
                "autocommit": True,
                "connect_timeout": connect_timeout,
                "options": f"-c statement_timeout={int(statement_timeout * 1000)}",
            },
            configure=_configure,
            # A connection that died with the server (restart, failover) is replaced at checkout,
            # so the first request after the database is back succeeds instead of failing once.
            check=ConnectionPool.check_connection,
            timeout=pool_wait,
            open=True,
        )

    def close(self) -> None:
        self._pool.close()

    def _wait(self) -> float:
        """The pool wait, shortened to what the current Lambda invocation can spare."""
        left = remaining_seconds()
        return self._pool_wait if left is None else max(0.1, min(self._pool_wait, left - RESERVED_SECONDS))

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            with self._pool.connection(timeout=self._wait()) as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            # Down, restarting, or a statement past its timeout (QueryCanceled is operational too).
            logger.warning(
                "database unavailable", extra={"error": type(exc).__name__, "detail": str(exc)[:200]}
            )
            raise DatabaseUnavailable() from exc

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._connection() as conn:
            return _ConnectionExecutor(conn).fetch_all(sql, params)

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Params | None = None) -> int:
        with self._connection() as conn:
            return _ConnectionExecutor(conn).execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[_ConnectionExecutor]:
        with self._connection() as conn, conn.transaction():
            yield _ConnectionExecutor(conn)

    def ping(self) -> bool:
        try:
            return self.fetch_one("SELECT 1 AS ok") == {"ok": 1}
        except (psycopg.Error, DatabaseUnavailable):
            return False
