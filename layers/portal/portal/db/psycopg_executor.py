"""Executor over psycopg 3 and a connection pool: the local target and the tests.

Every wait is bounded (connect, pool wait, statement) and a database that does not answer
surfaces as ``DatabaseUnavailable`` (503 + Retry-After), never as a 30 s hang then a 500.
"""

from __future__ import annotations

import json
import time
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
# How long a request queues for a pooled connection while the database is up but all are busy.
BUSY_WAIT_SECONDS = 15.0


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
        self._connect_timeout = connect_timeout
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

    def _budget(self, seconds: float) -> float:
        """`seconds`, shortened to what the current Lambda invocation can spare."""
        left = remaining_seconds()
        return seconds if left is None else max(0.1, min(seconds, left - RESERVED_SECONDS))

    def _getconn(self) -> psycopg.Connection:
        """A pooled connection: fail within the pool wait when the database is down, but keep
        queueing (up to BUSY_WAIT_SECONDS) when it is up and every connection is simply busy.

        The two look the same to a waiter (no connection yet); after each pool wait one direct
        connection attempt tells them apart (it fails at once, or within the connect timeout,
        when the server is down). A burst of turns on the local target (one pool standing in
        for many Lambdas) must queue, not answer 503.
        """
        started, budget = time.monotonic(), self._budget(BUSY_WAIT_SECONDS)
        while True:
            wait = min(self._budget(self._pool_wait), max(0.1, budget - (time.monotonic() - started)))
            try:
                return self._pool.getconn(timeout=wait)
            except PoolTimeout:
                if time.monotonic() - started >= budget:
                    raise
                # Raises OperationalError (the caller's 503) when the server does not answer.
                psycopg.connect(self.conninfo, connect_timeout=self._connect_timeout).close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        try:
            conn = self._getconn()
            try:
                yield conn
            finally:
                self._pool.putconn(conn)
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
