"""PostgreSQL access: migrations, the executor for this environment, repositories."""

from __future__ import annotations

from functools import lru_cache

from portal.db.executor import Executor
from portal.settings import Settings, get_settings


def build_executor(settings: Settings) -> Executor:
    """psycopg when a DATABASE_URL is configured (local target, tests), else the RDS Data API."""
    if settings.database_url:
        from portal.db.psycopg_executor import PsycopgExecutor  # local-only dependency

        return PsycopgExecutor(
            settings.database_url,
            connect_timeout=settings.db_connect_timeout_seconds,
            pool_wait=settings.db_pool_wait_seconds,
            statement_timeout=settings.db_statement_timeout_seconds,
        )
    if settings.db_cluster_arn and settings.db_secret_arn:
        import boto3
        from botocore.config import Config

        from portal.db.data_api import DataApiExecutor

        return DataApiExecutor(
            # The executor is the one retry layer (it knows resuming from throttled, and the
            # invocation's time left); botocore retrying too would multiply the attempts.
            boto3.client(
                "rds-data", region_name=settings.region, config=Config(retries={"total_max_attempts": 1})
            ),
            resource_arn=settings.db_cluster_arn,
            secret_arn=settings.db_secret_arn,
            database=settings.db_name,
            resume_budget=settings.db_resume_budget_seconds,
        )
    raise RuntimeError(
        "No database configured: set DATABASE_URL or PORTAL_DB_CLUSTER_ARN/PORTAL_DB_SECRET_ARN"
    )


@lru_cache(maxsize=1)
def get_executor() -> Executor:
    """The process-wide executor (one pool per Lambda container)."""
    return build_executor(get_settings())


def reset_executor() -> None:
    """Drop the cached executor (tests switch databases)."""
    if get_executor.cache_info().currsize:
        close = getattr(get_executor(), "close", None)
        if close:
            close()
    get_executor.cache_clear()
