"""Process-wide collaborators, built lazily from settings (one per Lambda container).

Handlers and routes ask here instead of constructing clients, so a cold start only pays for
what the function actually uses, and tests reset everything in one call.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from portal import aws
from portal.db import get_executor, reset_executor
from portal.db.executor import Executor
from portal.settings import get_settings, reset_settings

if TYPE_CHECKING:
    from portal.agents.launcher import TurnLauncher
    from portal.auth.tokens import TokenVerifier
    from portal.cache import CacheManager, RateLimiter
    from portal.realtime.connections import ConnectionStore
    from portal.realtime.sender import Sender


@lru_cache(maxsize=1)
def cache() -> CacheManager:
    """The L1 memory + L2 DynamoDB cache."""
    from portal.cache import CacheManager

    s = get_settings()
    return CacheManager(
        aws.dynamodb_table(s.cache_table),
        l1_maxsize=s.cache_l1_maxsize,
        l1_ttl=s.cache_l1_ttl_seconds,
        promote_after=s.cache_promote_after_hits,
    )


def cache_table_description() -> dict[str, Any]:
    """DescribeTable of the cache's L2 table (item count and size, for the admin's statistics)."""
    return dict(aws.client("dynamodb").describe_table(TableName=get_settings().cache_table)["Table"])


@lru_cache(maxsize=1)
def rate_limiter() -> RateLimiter:
    """Per-user fixed-window counters in DynamoDB."""
    from portal.cache import RateLimiter

    return RateLimiter(aws.dynamodb_table(get_settings().rate_limit_table))


@lru_cache(maxsize=1)
def connections() -> ConnectionStore:
    """WebSocket connection records."""
    from portal.realtime.connections import ConnectionStore

    return ConnectionStore(aws.dynamodb_table(get_settings().connections_table))


@lru_cache(maxsize=1)
def sender() -> Sender:
    """post_to_connection to the configured WebSocket API (disabled when none is configured)."""
    from portal.realtime.sender import Sender

    endpoint = get_settings().ws_management_endpoint
    client = aws.client("apigatewaymanagementapi", endpoint) if endpoint else None
    return Sender(client, connections())


@lru_cache(maxsize=1)
def launcher() -> TurnLauncher:
    """Starts chat turns on the chat state machine."""
    from portal.agents.launcher import TurnLauncher

    s = get_settings()
    return TurnLauncher(aws.client("stepfunctions"), s.chat_state_machine_arn)


@lru_cache(maxsize=1)
def token_verifier() -> TokenVerifier:
    """The verifier of this deployment (the local issuer's key, or the configured issuer's JWKS)."""
    from portal.auth.tokens import verifier_for

    return verifier_for(get_settings())


def db() -> Executor:
    """The SQL executor."""
    return get_executor()


def reset(*, keep_db: bool = False) -> None:
    """Forget cached collaborators and the settings (tests, the local target)."""
    for fn in (cache, rate_limiter, connections, sender, launcher, token_verifier):
        fn.cache_clear()
    if not keep_db:
        reset_executor()
    aws.reset_clients()
    reset_settings()
