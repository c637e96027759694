"""Provider API keys from Secrets Manager (AWS), merged into the settings once per container."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from portal.settings import Settings

# Secret JSON key -> Settings field. Empty values mean "not configured".
_KEY_FIELDS = {
    "ANTHROPIC_API_KEY": "anthropic_api_key",
    "GOOGLE_API_KEY": "google_api_key",
    "TAVILY_API_KEY": "tavily_api_key",
    "BRAVE_API_KEY": "brave_api_key",
}


@lru_cache(maxsize=4)
def _secret_json(arn: str) -> dict[str, Any]:
    from aws_lambda_powertools.utilities import parameters

    value = parameters.get_secret(arn, transform="json", max_age=3600)
    return value if isinstance(value, dict) else {}


def settings_with_provider_keys(settings: Settings) -> Settings:
    """The settings with keys from the provider-keys secret filled in (env values win)."""
    if not settings.provider_keys_secret_arn:
        return settings
    keys = _secret_json(settings.provider_keys_secret_arn)
    update = {
        field: keys[name]
        for name, field in _KEY_FIELDS.items()
        if keys.get(name) and field in Settings.model_fields and not getattr(settings, field, None)
    }
    return settings.model_copy(update=update) if update else settings
