"""Fixed-window rate limiting on the DynamoDB RATE_LIMIT table (one counter item per window).

Counters are kept per user (the empno), not per client IP as the seed did: everyone behind
the corporate NAT / proxy shares one egress IP, so a per-IP limit would let one heavy user
exhaust the quota of the whole office, and would say nothing about who spent it.

A fixed window is one conditional UpdateItem per request and needs no clean-up (TTL drops
old windows). Its known trade-off: up to ``2 * limit`` calls can land around a window
boundary, which is acceptable for cost protection at hourly granularity.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from portal.observability import MetricName, logger, metrics

# Counters outlive their window a little so a clock-skewed Lambda still finds its item.
TTL_GRACE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Outcome of one rate-limit check."""

    allowed: bool
    remaining: int  # calls left in this window after this one
    reset_at: float  # epoch seconds when the current window ends (for Retry-After)
    key: str | None = None  # the counter this call was counted on (None: not counted)


class RateLimiter:
    """Per-subject fixed-window counters: ``hit`` consumes one call if the window has room."""

    def __init__(self, table: Any, *, clock: Callable[[], float] = time.time, fail_open: bool = True) -> None:
        self._table = table
        self._clock = clock
        # If DynamoDB is unreachable we let the request through: the limit protects cost, and
        # refusing every user during an outage would be worse than a brief overspend.
        self._fail_open = fail_open

    def hit(self, bucket: str, subject: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one call of ``subject`` (an empno) against ``bucket``; whether it is allowed."""
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        # The key is "<bucket>#<subject>#<window start>": a '#' in the bucket could make two
        # (bucket, subject) pairs share a counter; the subject sits between fixed delimiters.
        if not bucket or "#" in bucket or not subject:
            raise ValueError(f"invalid rate-limit bucket/subject: {bucket!r}/{subject!r}")
        now = self._clock()
        window_start = int(now // window_seconds) * window_seconds
        reset_at = float(window_start + window_seconds)
        if limit <= 0:
            return self._refused(bucket, reset_at)
        try:
            response = self._table.update_item(
                Key={"pk": f"{bucket}#{subject}#{window_start}"},
                UpdateExpression="ADD #count :one SET #ttl = :ttl",
                # Atomic check-and-increment: concurrent Lambdas can never push past the limit.
                ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
                ExpressionAttributeNames={"#count": "count", "#ttl": "ttl"},
                ExpressionAttributeValues={
                    ":one": 1,
                    ":limit": limit,
                    ":ttl": int(reset_at) + TTL_GRACE_SECONDS,
                },
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return self._refused(bucket, reset_at)
            return self._unavailable(bucket, limit, reset_at, exc)
        except BotoCoreError as exc:
            return self._unavailable(bucket, limit, reset_at, exc)
        count = int(response["Attributes"]["count"])
        return RateDecision(
            allowed=True,
            remaining=max(0, limit - count),
            reset_at=reset_at,
            key=f"{bucket}#{subject}#{window_start}",
        )

    def release(self, decision: RateDecision) -> None:
        """Give back a call that was counted but not accepted (the request failed).

        Only accepted requests use up the quota. Reserve-then-release keeps the check atomic:
        counting after success instead would let concurrent requests overshoot the limit.
        """
        if decision.key is None:
            return
        try:
            self._table.update_item(
                Key={"pk": decision.key},
                UpdateExpression="ADD #count :minus_one",
                ConditionExpression="#count > :zero",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={":minus_one": -1, ":zero": 0},
            )
        except (ClientError, BotoCoreError) as exc:
            # The window expires anyway; a lost refund costs the user one call, never an error.
            logger.warning("rate-limit refund not recorded", extra={"key": decision.key, "error": str(exc)})

    def _refused(self, bucket: str, reset_at: float) -> RateDecision:
        try:
            metrics.add_metric(name=MetricName.RATE_LIMITED, unit=MetricUnit.Count, value=1)
        except Exception:  # telemetry must never decide a request
            logger.debug("rate-limit metric not recorded", extra={"bucket": bucket})
        return RateDecision(allowed=False, remaining=0, reset_at=reset_at)

    def _unavailable(self, bucket: str, limit: int, reset_at: float, exc: Exception) -> RateDecision:
        logger.warning(
            "rate limiter unavailable",
            extra={"bucket": bucket, "fail_open": self._fail_open, "error": str(exc)},
        )
        if self._fail_open:
            return RateDecision(allowed=True, remaining=limit, reset_at=reset_at)
        return RateDecision(allowed=False, remaining=0, reset_at=reset_at)
