"""Settings are checked where they are used: a function starts with only what its template gives it."""

from __future__ import annotations

import pytest
from portal.auth.tokens import TokenVerifier
from portal.db import build_executor
from portal.settings import Environment, Settings


def aws_settings(**values: object) -> Settings:
    return Settings(environment=Environment.AWS, **values)  # type: ignore[arg-type]


def test_aws_settings_without_database_or_signing_key_are_valid() -> None:
    # Given the environment of a function that touches neither Aurora nor tokens (e.g. sweep)
    # When its settings are built
    settings = aws_settings()

    # Then they are, and say they are for AWS
    assert not settings.is_local


def test_the_database_executor_needs_the_data_api_arns_in_aws() -> None:
    # Given AWS settings without the Data API ARNs
    settings = aws_settings()

    # When the executor is built, Then it names what is missing
    with pytest.raises(RuntimeError, match="PORTAL_DB_CLUSTER_ARN"):
        build_executor(settings)


def test_the_token_verifier_refuses_the_placeholder_secret_in_aws() -> None:
    # Given AWS settings with no signing key configured
    settings = aws_settings()

    # When the verifier is built, Then it refuses to verify with the local placeholder
    with pytest.raises(ValueError, match="PORTAL_JWT_SECRET must be a real secret"):
        TokenVerifier(settings)


def test_the_token_verifier_accepts_a_real_secret_in_aws() -> None:
    # Given AWS settings and a secret read from Secrets Manager
    settings = aws_settings()

    # When the verifier is built with it, Then it is
    assert TokenVerifier(settings, secret="x" * 64)
