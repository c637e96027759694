"""Apply the ordered SQL files in db/migrations once each, tracked in schema_migrations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from portal.db.executor import Executor
from portal.db.sqlsplit import split_statements
from portal.observability import logger

# Any constant works; it only has to be the same for every process applying migrations.
_ADVISORY_LOCK_KEY = 7_241_001

_TRACKING_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version VARCHAR(20) PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    checksum VARCHAR(64) NOT NULL,
    applied_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
)
"""


@dataclass(frozen=True)
class Migration:
    version: str  # "0001"
    name: str  # "0001_seed_schema.sql"
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationDrift(RuntimeError):
    """An applied migration's file changed afterwards: fix forward with a new file instead."""


def load_migrations() -> list[Migration]:
    """The migration files shipped in the package, in version order."""
    folder = resources.files("portal.db") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [Migration(f.name.split("_", 1)[0], f.name, f.read_text(encoding="utf-8")) for f in files]


def apply_migrations(executor: Executor, migrations: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations, each in its own transaction; return the names applied."""
    migrations = load_migrations() if migrations is None else migrations
    executor.execute(_TRACKING_TABLE)
    applied: list[str] = []
    for migration in migrations:
        with executor.transaction() as tx:
            # Serialise concurrent starters (several Lambdas, two dev servers) per migration.
            tx.fetch_one("SELECT pg_advisory_xact_lock(:key) IS NULL AS locked", {"key": _ADVISORY_LOCK_KEY})
            done = tx.fetch_one(
                "SELECT checksum FROM schema_migrations WHERE version = :version",
                {"version": migration.version},
            )
            if done:
                if done["checksum"] != migration.checksum:
                    raise MigrationDrift(f"{migration.name} changed after it was applied")
                continue
            # One statement per call: the Data API runs no multi-statement strings.
            for statement in split_statements(migration.sql):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (:version, :name, :checksum)",
                {"version": migration.version, "name": migration.name, "checksum": migration.checksum},
            )
        logger.info("migration applied", extra={"migration": migration.name})
        applied.append(migration.name)
    return applied


def applied_versions(executor: Executor) -> list[str]:
    """Versions recorded in schema_migrations (empty before the first run)."""
    executor.execute(_TRACKING_TABLE)
    return [
        r["version"] for r in executor.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
    ]
