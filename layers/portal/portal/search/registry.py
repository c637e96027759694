"""Which search providers this deployment has, and searching with fallback between them.

Providers come from API keys (env locally, the provider-keys secret in AWS). The
process-wide instances are rebuilt whenever the settings are (``services.reset()``), so
tests and the local target never see a stale key.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from portal.observability import MetricName, logger, metrics
from portal.search.availability import web_search_available as web_search_available
from portal.search.availability import with_secret_keys
from portal.search.base import SearchError, SearchProvider, SearchResult
from portal.search.fetch import FetchPolicy, PageFetcher
from portal.settings import Settings, get_settings, reveal

# The order providers are tried in. Tavily returns LLM-ready extracts; Brave is the fallback.
PROVIDER_ORDER = ("tavily", "brave")


class SearchNotConfigured(RuntimeError):
    """No search API key is configured."""


class AllSearchProvidersFailed(RuntimeError):
    """Every configured provider failed for this query."""

    def __init__(self, failures: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{f['provider']}: {f['message']}" for f in failures))
        self.failures = failures


@dataclass
class SearchOutcome:
    """Results of one query and which provider found them (and which failed first)."""

    query: str
    results: list[SearchResult]
    provider: str | None
    failures: list[dict[str, Any]] = field(default_factory=list)


def configured_search_providers(settings: Settings) -> list[SearchProvider]:
    """The providers whose API keys are set, in fallback order."""
    from portal.search.brave import BraveSearch
    from portal.search.tavily import TavilySearch

    found: list[SearchProvider] = []
    if settings.tavily_api_key:
        found.append(TavilySearch(reveal(settings.tavily_api_key) or ""))
    if settings.brave_api_key:
        found.append(BraveSearch(reveal(settings.brave_api_key) or ""))
    return found


_lock = threading.Lock()
_built: dict[str, tuple[Settings, Any]] = {}


def _memo(name: str, build: Any) -> Any:
    """One instance per settings object: services.reset() makes new settings, hence new instances."""
    settings = get_settings()
    with _lock:
        held = _built.get(name)
        if held is None or held[0] is not settings:
            held = (settings, build(settings))
            _built[name] = held
        return held[1]


def search_providers() -> list[SearchProvider]:
    """This process's search providers (empty when none is configured)."""
    return list(_memo("providers", lambda s: configured_search_providers(with_secret_keys(s))))


def page_fetcher() -> PageFetcher:
    """This process's page fetcher, with the production fetch policy."""
    return _memo(  # type: ignore[no-any-return]
        "fetcher",
        lambda s: PageFetcher(
            FetchPolicy(max_bytes=s.web_fetch_max_bytes, timeout_seconds=s.web_fetch_timeout_seconds)
        ),
    )


def _dedupe(results: list[SearchResult]) -> list[SearchResult]:
    seen: set[str] = set()
    unique: list[SearchResult] = []
    for result in results:
        key = result.url.rstrip("/")
        if key not in seen:
            seen.add(key)
            unique.append(result)
    return unique


def search_web(
    query: str, *, max_results: int, lang: str | None, providers: list[SearchProvider]
) -> SearchOutcome:
    """Search with the first provider that answers; a failing provider hands over to the next.

    A provider that finds nothing also lets the next one try (indexes differ). Raises
    SearchNotConfigured without providers and AllSearchProvidersFailed when all fail.
    """
    if not providers:
        raise SearchNotConfigured("no web search provider is configured (TAVILY_API_KEY or BRAVE_API_KEY)")
    failures: list[dict[str, Any]] = []
    empty_from: str | None = None
    for provider in providers:
        try:
            results = _dedupe(provider.search(query, max_results=max_results, lang=lang))[:max_results]
        except SearchError as exc:
            logger.warning("search provider failed", extra={"provider": provider.name, "error": str(exc)})
            metrics.add_metric(name=MetricName.WEB_SEARCH_FAILED, unit="Count", value=1)
            failures.append(
                {"provider": provider.name, "error": type(exc).__name__, "message": str(exc)[:300]}
            )
            continue
        metrics.add_metric(name=MetricName.WEB_SEARCHES, unit="Count", value=1)
        if results:
            return SearchOutcome(query, results, provider.name, failures)
        empty_from = empty_from or provider.name
    if empty_from is not None:
        return SearchOutcome(query, [], empty_from, failures)
    raise AllSearchProvidersFailed(failures)
