"""Secrets in settings are SecretStr, and an invalid environment is reported without any value."""

from __future__ import annotations

import pytest
from portal.settings import Settings, SettingsInvalid, get_settings, load_settings, reset_settings

SECRET = "tvly-LIVE-9f8e7d6c5b4a3210"


@pytest.mark.parametrize("field", ["anthropic_api_key", "google_api_key", "tavily_api_key", "brave_api_key"])
def test_secret_fields_never_show_their_value(field: str) -> None:
    settings = Settings(**{field: SECRET})  # type: ignore[arg-type]
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    assert getattr(settings, field).get_secret_value() == SECRET


def test_a_validation_error_names_the_variable_but_never_echoes_a_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a search key and a mistyped value next to it (the audit's finding)
    monkeypatch.setenv("TAVILY_API_KEY", SECRET)
    monkeypatch.setenv("PORTAL_WEB_SEARCH_MAX_RESULTS", SECRET)
    reset_settings()
    # When the settings are loaded, the error says which variable is wrong and shows no value
    with pytest.raises(SettingsInvalid) as invalid:
        get_settings()
    assert "web_search_max_results" in str(invalid.value)
    assert SECRET not in str(invalid.value) and invalid.value.__cause__ is None


def test_a_model_level_error_does_not_echo_the_whole_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAVILY_API_KEY", SECRET)
    with pytest.raises(SettingsInvalid) as invalid:
        load_settings(chunk_tokens="many")
    assert SECRET not in str(invalid.value)
