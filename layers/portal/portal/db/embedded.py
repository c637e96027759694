"""An embedded, real PostgreSQL 16 (pgserver) for the local target and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portal.observability import logger


def start_embedded_postgres(data_dir: str | Path, *, database: str = "portal") -> str:
    """Start (or reuse) pgserver in data_dir, make sure `database` exists; return its libpq URL."""
    import pgserver.postgres_server  # local-only dependency; never shipped to Lambda

    path = Path(data_dir).resolve() / "pgdata"
    path.parent.mkdir(parents=True, exist_ok=True)  # pgserver creates pgdata itself
    server: Any = pgserver.postgres_server.get_server(str(path), cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(0 rows)" in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    uri: str = server.get_uri(database)
    logger.info("embedded postgres ready", extra={"data_dir": str(path)})
    return uri
