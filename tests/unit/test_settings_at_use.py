"""Settings are checked where they are used: a function starts with only what its template gives it."""

from __future__ import annotations

import pytest
from portal.auth.tokens import verifier_for
from portal.db import build_executor
from portal.settings import Environment, Settings


def aws_settings(**values: object) -> Settings:
    return Settings(environment=Environment.AWS, **values)  # type: ignore[arg-type]


def test_aws_settings_without_database_or_issuer_are_valid() -> None:
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


def test_the_token_verifier_needs_the_issuer_in_aws() -> None:
    # Given AWS settings of a function that was not told its issuer
    settings = aws_settings()

    # When the verifier is built, Then it names what is missing
    with pytest.raises(ValueError, match="PORTAL_OIDC_ISSUER"):
        verifier_for(settings)


def test_the_token_verifier_accepts_an_https_issuer_and_its_client_in_aws() -> None:
    # Given AWS settings with the issuer and the web client id the CDK gives the api function
    settings = aws_settings(
        oidc_issuer="https://cognito-idp.ap-northeast-2.amazonaws.com/pool", oidc_audience="client"
    )

    # When the verifier is built, Then it is (its keys are fetched on the first token)
    assert verifier_for(settings)
