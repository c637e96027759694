"""Whether this deployment can search the web: its search API keys, without the HTTP client.

The supervisor, the deep_research worker and the research Gaps step only ask whether a key is
configured; building the providers (search/registry.py) imports httpx and the page fetcher,
which only the steps that search pay for (cold starts, #14).
"""

from __future__ import annotations

from portal.settings import Settings, get_settings


def with_secret_keys(settings: Settings) -> Settings:
    """The settings with the provider keys of the secret (in AWS) filled in."""
    from portal.secrets import settings_with_provider_keys

    return settings_with_provider_keys(settings)


def web_search_available(settings: Settings | None = None) -> bool:
    """True when at least one search API key is configured (the supervisor routes here only then)."""
    s = with_secret_keys(settings or get_settings())
    return bool(s.tavily_api_key or s.brave_api_key)
