"""Agents this deployment cannot serve right now (missing configuration), so the supervisor skips them."""

from __future__ import annotations

from portal.secrets import settings_with_provider_keys
from portal.settings import get_settings


def unavailable_agents() -> set[str]:
    """Agents that need configuration this deployment lacks (explicit requests still reach them
    and get a clear "not configured" answer from the worker)."""
    missing: set[str] = set()
    if not _web_search_configured():
        missing |= {"web_search"}
    return missing


def _web_search_configured() -> bool:
    settings = settings_with_provider_keys(get_settings())
    return bool(getattr(settings, "tavily_api_key", None) or getattr(settings, "brave_api_key", None))
