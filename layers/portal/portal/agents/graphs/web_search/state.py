"""The web_search graph's state: plain data, one field per concern."""

from __future__ import annotations

from typing import Any, TypedDict

from portal.agents.graphs.reply import Reply
from portal.llm.base import ChatMessage
from portal.search.base import SearchResult
from portal.search.citations import Source


class WebSearchState(TypedDict, total=False):
    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    korean: bool  # answer (and search) in Korean
    preferred_model: str | None
    query: str  # what was sent to the search API
    query_rewritten: bool  # a model condensed the question into the query
    results: list[SearchResult]
    provider: str | None  # the search provider that answered
    search_failures: list[dict[str, Any]]  # providers that failed first, and why
    pages: dict[str, str]  # url -> text read from the page
    fetch_failures: list[dict[str, str]]
    sources: list[Source]  # numbered, as cited
    reply: Reply
