"""Provider API keys from Secrets Manager (AWS), merged into the settings once per container."""

from __future__ import annotations

import json
from functools import lru_cache

from pydantic import SecretStr

from portal.observability import logger
from portal.settings import Settings

# Secret JSON key -> Settings field. The operator writes the keys (README, "Secrets to fill in");
# a missing, empty or non-text value means "not configured".
PROVIDER_KEYS = {
    "ANTHROPIC_API_KEY": "anthropic_api_key",
    "GOOGLE_API_KEY": "google_api_key",
    "TAVILY_API_KEY": "tavily_api_key",
    "BRAVE_API_KEY": "brave_api_key",
}


@lru_cache(maxsize=4)
def _secret_keys(arn: str) -> dict[str, str]:
    from aws_lambda_powertools.utilities import parameters

    return configured_keys(parameters.get_secret(arn, max_age=3600))


def configured_keys(secret_string: object) -> dict[str, str]:
    """The provider keys a secret value configures; anything else in it is ignored."""
    try:
        value = json.loads(secret_string) if isinstance(secret_string, str) else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        # Still the generated placeholder, or mistyped: say so, and run as if no key were set.
        logger.warning("provider-keys secret is not a JSON object; no provider key configured")
        return {}
    return {
        name: key.strip()
        for name, key in value.items()
        if name in PROVIDER_KEYS and isinstance(key, str) and key.strip()
    }


def settings_with_provider_keys(settings: Settings) -> Settings:
    """The settings with keys from the provider-keys secret filled in (env values win)."""
    if not settings.provider_keys_secret_arn:
        return settings
    keys = _secret_keys(settings.provider_keys_secret_arn)
    update = {
        field: SecretStr(keys[name])
        for name, field in PROVIDER_KEYS.items()
        if name in keys and field in Settings.model_fields and not getattr(settings, field, None)
    }
    return settings.model_copy(update=update) if update else settings
