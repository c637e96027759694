"""boto3 clients and resources, one per process and service (created lazily: boto3 costs ~0.15 s)."""

from __future__ import annotations

from functools import cache
from typing import Any

from portal.settings import get_settings


@cache
def client(service: str, endpoint_url: str | None = None) -> Any:
    """A cached boto3 client in the configured region."""
    import boto3

    return boto3.client(service, region_name=get_settings().region, endpoint_url=endpoint_url)


@cache
def dynamodb_table(name: str) -> Any:
    """A cached DynamoDB Table resource."""
    import boto3

    return boto3.resource("dynamodb", region_name=get_settings().region).Table(name)


def reset_clients() -> None:
    """Forget cached clients (tests start and stop moto)."""
    client.cache_clear()
    dynamodb_table.cache_clear()
