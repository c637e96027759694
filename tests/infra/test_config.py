"""Context settings: typed, with defaults, and `-c key=value` strings parsed like cdk.json values."""

from __future__ import annotations

import pytest

from infra.config import ConfigError, PortalConfig

pytestmark = pytest.mark.infra


def test_defaults_cost_nothing_while_idle() -> None:
    config = PortalConfig.from_mapping({})
    assert config.stage == "dev"
    assert config.aurora_min_capacity == 0
    assert config.opensearch is False


def test_command_line_strings_are_parsed() -> None:
    config = PortalConfig.from_mapping(
        {
            "stage": "prod",
            "opensearch": "true",
            "aurora_min_capacity": "0.5",
            "allowed_origins": "https://a.example.com,https://b.example.com",
            "models_enabled": '["claude-sonnet", "gemini-flash"]',
            "retain_data": "false",
        }
    )
    assert config.stage == "prod"
    assert config.opensearch is True
    assert config.aurora_min_capacity == 0.5
    assert config.allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert config.models_enabled == ("claude-sonnet", "gemini-flash")
    assert config.retain_data is False


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("stage", "my stage", "stage"),
        ("aurora_min_capacity", "8", "aurora_min_capacity"),
        ("opensearch", "maybe", "opensearch"),
        ("allowed_origins", "http://example.com", "allowed_origins"),
        ("oidc_issuer", "http://idp.example.com", "oidc_issuer"),
        ("oidc_issuer", "https://idp.example.com", "oidc_client_id"),  # the audience is always checked
        ("oidc_claims", '{"employee": "x"}', "oidc_claims"),
        ("cognito_mfa", "sometimes", "cognito_mfa"),
        ("cognito_feature_plan", "essentials", "cognito_threat_protection"),
        ("identity_provider", '{"type": "ldap", "name": "Corp"}', "identity_provider.type"),
        ("identity_provider", '{"type": "oidc", "name": "EntraID"}', "client_secret_name"),
        (
            "identity_provider",
            '{"type": "saml", "name": "Okta", "metadata_url": "https://x", "attributes": {"name": "n"}}',
            "empno",
        ),
        ("bundle", "docker", "bundle"),
    ],
)
def test_bad_values_are_rejected_with_the_key_named(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PortalConfig.from_mapping({key: value})
