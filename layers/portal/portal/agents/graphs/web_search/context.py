"""The web_search graph's run context: the turn's stream and user plus the search collaborators."""

from __future__ import annotations

from dataclasses import dataclass

from portal.agents.graphs.context import TurnContext
from portal.search.base import SearchProvider
from portal.search.fetch import PageFetcher


@dataclass(frozen=True, kw_only=True)
class WebSearchContext(TurnContext):
    providers: list[SearchProvider]  # in order of preference; empty: web search is not configured
    fetcher: PageFetcher
    max_results: int  # results asked of a provider
    pages: int  # top results whose pages are read
