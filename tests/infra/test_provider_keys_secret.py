"""The provider-keys secret is created once with a placeholder; no deploy can overwrite its value.

CloudFormation writes a secret's value when the SecretString or GenerateSecretString property
changes. Neither may depend on the provider key names, which change with the code.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from portal import secrets

from infra.components.secrets import PLACEHOLDER_KEY, PortalSecrets
from tests.infra.helpers import Synthesized, resources

pytestmark = pytest.mark.infra


def provider_keys_secret(template: dict[str, Any]) -> dict[str, Any]:
    found = [
        r
        for r in resources(template, "AWS::SecretsManager::Secret").values()
        if "provider API keys" in r["Properties"].get("Description", "")
    ]
    assert len(found) == 1
    return found[0]


def synth_secrets() -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "Secrets")
    PortalSecrets(stack, "Secrets")
    return dict(app.synth().get_stack_by_name("Secrets").template)


def test_the_secret_is_generated_with_a_placeholder_and_carries_no_value(portal: Synthesized) -> None:
    secret = provider_keys_secret(portal.json("data"))
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"] == {
        "ExcludePunctuation": True,
        "GenerateStringKey": PLACEHOLDER_KEY,
        "PasswordLength": 16,
        "SecretStringTemplate": "{}",
    }


def test_the_secret_names_no_provider_key(portal: Synthesized) -> None:
    text = json.dumps(provider_keys_secret(portal.json("data")))
    assert not [name for name in secrets.PROVIDER_KEYS if name in text]


def test_a_second_synth_with_a_new_key_name_leaves_the_secret_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the secret as first deployed
    first = provider_keys_secret(synth_secrets())
    # When the portal learns a new provider key name and the app is synthesized again
    monkeypatch.setitem(secrets.PROVIDER_KEYS, "MISTRAL_API_KEY", "mistral_api_key")
    second = provider_keys_secret(synth_secrets())
    # Then CloudFormation sees the same resource: nothing to update, the operator's value stays
    assert first == second


def test_the_generated_placeholder_configures_no_provider() -> None:
    assert secrets.configured_keys(json.dumps({PLACEHOLDER_KEY: "Xq3v9TzL0aB7mN2k"})) == {}
