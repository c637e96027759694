"""RateLimiter (fixed window, per user) against a moto DynamoDB table."""

from __future__ import annotations

from typing import Any

import pytest
from portal.cache import RateDecision, RateLimiter
from portal.cache.ratelimit import TTL_GRACE_SECONDS
from portal.tables import RATE_LIMIT

from tests.fakes import FakeClock

TABLE_NAME = "test-rate-limits"
HOUR = 3600
WINDOW_START = 1_699_999_200  # a multiple of 3600
START = WINDOW_START + 100.0


@pytest.fixture
def table(dynamodb: Any) -> Any:
    dynamodb.create_table(**RATE_LIMIT.create_table_kwargs(TABLE_NAME))
    return dynamodb.Table(TABLE_NAME)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def limiter(table: Any, clock: FakeClock) -> RateLimiter:
    return RateLimiter(table, clock=clock)


def hits(limiter: RateLimiter, n: int, subject: str = "E1001", limit: int = 3) -> list[RateDecision]:
    return [limiter.hit("chat", subject, limit=limit, window_seconds=HOUR) for _ in range(n)]


def test_allows_exactly_limit_then_refuses(limiter: RateLimiter) -> None:
    # Given a limit of 3 per hour / When a user calls 4 times
    decisions = hits(limiter, 4)
    # Then the first three pass and the fourth is refused
    assert [d.allowed for d in decisions] == [True, True, True, False]


def test_remaining_counts_down(limiter: RateLimiter) -> None:
    # Given a limit of 3 / When a user calls 4 times / Then remaining goes 2, 1, 0, 0
    assert [d.remaining for d in hits(limiter, 4)] == [2, 1, 0, 0]


def test_reset_at_is_the_end_of_the_window(limiter: RateLimiter) -> None:
    # Given a call 100 s into an hour window / Then it resets at the window's end
    (decision,) = hits(limiter, 1)
    assert decision.reset_at == WINDOW_START + HOUR


def test_new_window_resets_the_count(limiter: RateLimiter, clock: FakeClock) -> None:
    # Given a user who exhausted this window
    hits(limiter, 3)
    assert not hits(limiter, 1)[0].allowed
    # When the next window starts
    clock.now = WINDOW_START + HOUR
    # Then calls are allowed again
    decision = hits(limiter, 1)[0]
    assert decision.allowed and decision.remaining == 2


def test_subjects_are_counted_separately(limiter: RateLimiter) -> None:
    # Given one user who exhausted the limit
    hits(limiter, 3, subject="E1001")
    # When another user (e.g. behind the same NAT) calls / Then they are unaffected
    assert hits(limiter, 1, subject="E2002")[0].allowed


def test_buckets_are_counted_separately(limiter: RateLimiter) -> None:
    # Given a user who exhausted the chat bucket / When calling another bucket / Then it passes
    hits(limiter, 3)
    assert limiter.hit("upload", "E1001", limit=3, window_seconds=HOUR).allowed


def test_counter_item_expires_after_its_window(limiter: RateLimiter, table: Any) -> None:
    # Given / When one call
    hits(limiter, 1)
    # Then the counter item is keyed by window and expires shortly after it
    counter = table.get_item(Key={"pk": f"chat#E1001#{WINDOW_START}"})["Item"]
    assert counter["count"] == 1
    assert counter["ttl"] == WINDOW_START + HOUR + TTL_GRACE_SECONDS


def test_zero_limit_refuses(limiter: RateLimiter) -> None:
    # Given a limit of 0 / When calling / Then the call is refused
    assert not limiter.hit("chat", "E1001", limit=0, window_seconds=HOUR).allowed


def test_bucket_with_delimiter_is_rejected(limiter: RateLimiter) -> None:
    # Given / When / Then a '#' in the bucket (it would blur counter keys) raises
    with pytest.raises(ValueError):
        limiter.hit("chat#x", "E1001", limit=3, window_seconds=HOUR)


def test_unreachable_table_fails_open_by_default(dynamodb: Any, clock: FakeClock) -> None:
    # Given a limiter on a table that does not exist
    limiter = RateLimiter(dynamodb.Table("missing-table"), clock=clock)
    # When calling / Then the request is let through, not raised
    assert hits(limiter, 1)[0].allowed


def test_unreachable_table_fails_closed_when_configured(dynamodb: Any, clock: FakeClock) -> None:
    # Given a fail-closed limiter on a table that does not exist
    limiter = RateLimiter(dynamodb.Table("missing-table"), clock=clock, fail_open=False)
    # When calling / Then the request is refused
    assert not hits(limiter, 1)[0].allowed
