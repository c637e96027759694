"""DynamoDB throttling: the portal's clients retry with backoff and jitter, then give up.

moto never throttles, so a botocore ``before-send`` hook answers the first attempts the way
DynamoDB does (HTTP 400, ``ThrottlingException``); botocore's retry handler, configured by
``portal.aws.RETRIES``, sees the same response it would get from AWS. (botocore calls every
``before-send`` handler, moto's too, and uses the first answer: moto still records each
attempt, so what is stored after a throttled write says nothing here.)
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration


class Throttle:
    """Answers the first ``times`` requests of one operation as a throttled DynamoDB would."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.attempts: list[float] = []

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.attempts.append(time.monotonic())
        if len(self.attempts) > self.times:
            return None  # let the request through to moto
        body = json.dumps(
            {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "Rate exceeded"}
        ).encode()

        class Raw:
            def stream(self, **_: Any) -> Any:
                yield body

        return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, Raw())


def _connections_with(throttle: Throttle) -> Any:
    from portal import aws, services

    table = aws.dynamodb_table(services.get_settings().connections_table)
    table.meta.client.meta.events.register("before-send.dynamodb.PutItem", throttle)
    return services.connections()


def test_a_throttled_write_is_retried_with_growing_jittered_waits_and_succeeds(aws) -> None:
    # Given DynamoDB throttles a socket's registration three times
    throttle = Throttle(times=3)
    store = _connections_with(throttle)
    # When the socket connects
    store.add(connection_id="c-throttled", user_empno="E1", token_exp=int(time.time()) + 600)
    # Then the write went through on the fourth attempt, after waits (backoff, not a hot loop)
    assert len(throttle.attempts) == 4
    waits = [b - a for a, b in zip(throttle.attempts, throttle.attempts[1:], strict=False)]
    assert sum(waits) > 0.0
    assert store.for_user("E1") == ["c-throttled"]


def test_throttling_that_persists_gives_up_after_four_attempts_within_seven_seconds(aws) -> None:
    from portal.aws import RETRIES

    # Given DynamoDB throttles every attempt
    throttle = Throttle(times=100)
    store = _connections_with(throttle)
    # When the socket connects, the error surfaces after the configured attempts, whose
    # jittered waits add up to at most 1 + 2 + 4 s
    started = time.monotonic()
    with pytest.raises(ClientError) as raised:
        store.add(connection_id="c-refused", user_empno="E2")
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    assert len(throttle.attempts) == RETRIES["total_max_attempts"] == 4
    waits = [b - a for a, b in zip(throttle.attempts, throttle.attempts[1:], strict=False)]
    assert all(wait <= 2**n + 0.5 for n, wait in enumerate(waits)), waits
    assert time.monotonic() - started < 7 + 2
