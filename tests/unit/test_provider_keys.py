"""Provider keys come from the operator's secret; a key it lacks (or leaves empty) is not configured."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from portal import secrets
from portal.settings import Settings, reveal


@pytest.fixture
def secret_arn() -> Iterator[str]:
    with mock_aws():
        secrets._secret_keys.cache_clear()
        # As CloudFormation creates it: the generated placeholder, none of the provider keys.
        created = boto3.client("secretsmanager").create_secret(
            Name="portal-provider-keys", SecretString=json.dumps({"placeholder": "Xq3v9TzL0aB7mN2k"})
        )
        yield created["ARN"]
        secrets._secret_keys.cache_clear()


def put(arn: str, value: str) -> None:
    boto3.client("secretsmanager").put_secret_value(SecretId=arn, SecretString=value)


def test_the_fresh_secret_configures_no_provider(secret_arn: str) -> None:
    settings = secrets.settings_with_provider_keys(Settings(provider_keys_secret_arn=secret_arn))
    assert settings.anthropic_api_key is None and settings.google_api_key is None
    assert settings.tavily_api_key is None and settings.brave_api_key is None


def test_keys_the_operator_put_are_used_and_empty_ones_are_not_configured(secret_arn: str) -> None:
    put(secret_arn, json.dumps({"GOOGLE_API_KEY": "g-key", "ANTHROPIC_API_KEY": "", "TAVILY_API_KEY": "  "}))
    settings = secrets.settings_with_provider_keys(Settings(provider_keys_secret_arn=secret_arn))
    assert reveal(settings.google_api_key) == "g-key"
    assert settings.anthropic_api_key is None and settings.tavily_api_key is None


def test_an_environment_value_wins_over_the_secret(secret_arn: str) -> None:
    put(secret_arn, json.dumps({"GOOGLE_API_KEY": "from-secret"}))
    settings = Settings(provider_keys_secret_arn=secret_arn, GOOGLE_API_KEY="from-env")
    assert reveal(secrets.settings_with_provider_keys(settings).google_api_key) == "from-env"


@pytest.mark.parametrize("value", ["not json", "[]", '"a string"', json.dumps({"GOOGLE_API_KEY": 42})])
def test_a_mistyped_secret_configures_nothing_instead_of_failing(value: str) -> None:
    assert secrets.configured_keys(value) == {}


def test_unknown_names_in_the_secret_are_ignored() -> None:
    assert secrets.configured_keys(json.dumps({"placeholder": "x", "OTHER": "y", "BRAVE_API_KEY": "b"})) == {
        "BRAVE_API_KEY": "b"
    }
