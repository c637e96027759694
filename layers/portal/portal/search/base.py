"""The interface every search API adapter implements, and the errors they raise.

An adapter turns a query into a short list of ``SearchResult``. Faults are raised as
``SearchError`` subclasses; ``retryable`` says whether the same provider may succeed a
moment later (throttling, 5xx, timeouts). The registry falls back to the next provider on
any fault, because providers fail independently (a revoked key at one says nothing about
the other).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, ConfigDict

from portal.search.limits import MAX_QUERY_CHARS

# Search APIs answer in about a second; a provider that has not answered in 10 s will not.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_RESULTS = 10
USER_AGENT = "AIPortal/1.0 (+enterprise assistant)"
_SPACES = re.compile(r"\s+")


class SearchResult(BaseModel):
    """One hit of a web search."""

    model_config = ConfigDict(frozen=True)

    title: str
    url: str
    snippet: str = ""
    published_at: str | None = None
    source: str  # the provider that found it (tavily, brave, ...)


class SearchProvider(Protocol):
    """A web search API. ``name`` identifies it in logs, metadata and the fallback order."""

    name: str

    def search(self, query: str, *, max_results: int = 5, lang: str | None = None) -> list[SearchResult]: ...


class SearchError(Exception):
    """A search provider failed."""

    retryable = False

    def __init__(self, message: str, *, provider: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.provider = provider
        self.status = status


class SearchThrottled(SearchError):
    """429: rate limit or quota."""

    retryable = True


class SearchUnavailable(SearchError):
    """5xx or a network failure."""

    retryable = True


class SearchTimeout(SearchError):
    retryable = True


class SearchAuthFailed(SearchError):
    """The key is missing, invalid, or its plan does not allow the request."""


class SearchQuotaExceeded(SearchError):
    """The plan's monthly credits are used up (not worth retrying today)."""


class SearchRejected(SearchError):
    """4xx: the request itself is wrong."""


class SearchResponseInvalid(SearchError):
    """A 200 whose body is not the documented shape (an API change, not "no results")."""


def clean_query(query: str) -> str:
    """The query on one line, within the providers' length limit; empty is a caller bug."""
    flat = _SPACES.sub(" ", query).strip()
    if not flat:
        raise ValueError("search query is empty")
    return flat[:MAX_QUERY_CHARS]


def clamp_results(max_results: int) -> int:
    """How many results to ask for (1..MAX_RESULTS)."""
    return max(1, min(MAX_RESULTS, max_results))


def error_for_status(provider: str, status: int, detail: str) -> SearchError:
    """The typed error for a non-2xx answer (auth problems are not worth a retry)."""
    message = f"{provider} answered HTTP {status}" + (f": {detail}" if detail else "")
    if status == 429:
        return SearchThrottled(message, provider=provider, status=status)
    if status in (401, 403):
        return SearchAuthFailed(message, provider=provider, status=status)
    if status >= 500:
        return SearchUnavailable(message, provider=provider, status=status)
    return SearchRejected(message, provider=provider, status=status)


def send(provider: str, client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """Send a request, turning transport faults into typed search errors."""
    try:
        return client.send(request)
    except httpx.TimeoutException as exc:
        raise SearchTimeout(f"{provider} did not answer in time", provider=provider) from exc
    except httpx.HTTPError as exc:
        raise SearchUnavailable(f"{provider} could not be reached: {exc}", provider=provider) from exc


def json_body(provider: str, response: httpx.Response) -> Any:
    """The parsed JSON body, or a typed error naming the provider."""
    try:
        return response.json()
    except ValueError as exc:
        raise SearchResponseInvalid(
            f"{provider} answered HTTP {response.status_code} with a body that is not JSON",
            provider=provider,
            status=response.status_code,
        ) from exc
