"""Unit fixtures: an in-memory (moto) DynamoDB. Credentials and region come from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    with mock_aws():
        yield boto3.resource("dynamodb")
