"""Agents this deployment cannot serve right now (missing configuration), so the supervisor skips them."""

from __future__ import annotations

from portal.settings import get_settings


def unavailable_agents() -> set[str]:
    """Agents that need configuration this deployment lacks (explicit requests still reach them
    and get a clear "not configured" answer from the worker)."""
    from portal.agents.research.start import deep_research_available
    from portal.search.availability import web_search_available

    settings = get_settings()  # each check merges the provider-keys secret itself
    missing: set[str] = set()
    if not web_search_available(settings):
        missing.add("web_search")
    if not deep_research_available(settings):
        missing.add("deep_research")
    return missing
