"""boto3 clients and resources, one per process and service (created lazily: boto3 costs ~0.15 s)."""

from __future__ import annotations

from functools import cache
from typing import Any

from portal.settings import get_settings

# botocore's "standard" retry mode: exponential backoff with full jitter on throttling and
# transient errors (DynamoDB's ProvisionedThroughputExceeded/ThrottlingException, 5xx), so a
# burst of turns does not retry in lockstep. The n-th retry waits random() * 2**(n-1) s, so 4
# attempts in all (the first and 3 retries) wait at most 1 + 2 + 4 = 7 s, 3.5 s on average: a
# request path (API Gateway gives up at 29 s) still answers. ("max_attempts" would count retries
# only: 5 meant 6 attempts and up to 31 s of waiting, measured 13 s in
# tests/faults/test_dynamodb_throttling.py. "adaptive" would also rate-limit the client, which
# suits a batch job, not a request path.)
RETRIES = {"mode": "standard", "total_max_attempts": 4}
# DynamoDB answers in milliseconds; a hung connection must not eat the Lambda's time.
DYNAMODB_TIMEOUTS = {"connect_timeout": 2, "read_timeout": 5}


def client_config(service: str) -> Any:
    """The botocore Config of a service's clients (retries with jitter; short timeouts for DynamoDB)."""
    from botocore.config import Config

    timeouts = DYNAMODB_TIMEOUTS if service == "dynamodb" else {}
    return Config(retries=RETRIES, **timeouts)


@cache
def client(service: str, endpoint_url: str | None = None) -> Any:
    """A cached boto3 client in the configured region."""
    import boto3

    return boto3.client(
        service, region_name=get_settings().region, endpoint_url=endpoint_url, config=client_config(service)
    )


@cache
def dynamodb_table(name: str) -> Any:
    """A cached DynamoDB Table resource."""
    import boto3

    return boto3.resource(
        "dynamodb", region_name=get_settings().region, config=client_config("dynamodb")
    ).Table(name)


def reset_clients() -> None:
    """Forget cached clients (tests start and stop moto)."""
    client.cache_clear()
    dynamodb_table.cache_clear()
