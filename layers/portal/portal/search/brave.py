"""Brave's Web Search API (GET https://api.search.brave.com/res/v1/web/search).

Authenticated with the ``X-Subscription-Token`` header. Response: ``{"type": "search",
"query": {...}, "web": {"type": "search", "results": [{"title", "url", "description",
"age"?, "page_age"?, ...}]}, ...}`` (``web`` is absent when nothing was found). Errors:
``{"type": "ErrorResponse", "error": {"code", "detail", "status", "meta"}}``; a bad key is a
422 with code ``SUBSCRIPTION_TOKEN_INVALID``, so the body's code decides, not the status.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from portal.search.base import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    SearchAuthFailed,
    SearchError,
    SearchQuotaExceeded,
    SearchResponseInvalid,
    SearchResult,
    clamp_results,
    clean_query,
    error_for_status,
    json_body,
    send,
)

ENDPOINT = "https://api.search.brave.com/res/v1/web/search"
_SNIPPET_CHARS = 600
_TAGS = re.compile(r"<[^>]+>")
# Brave's search_lang / country codes for the languages the portal's users write.
_LOCALE = {"ko": ("ko", "KR"), "en": ("en", "US")}
_AUTH_CODES = {"SUBSCRIPTION_TOKEN_INVALID", "SUBSCRIPTION_TOKEN_MISSING", "SUBSCRIPTION_NOT_FOUND"}


def _plain(text: Any) -> str:
    """Brave's display strings may carry <strong> highlights and HTML entities."""
    return html.unescape(_TAGS.sub("", str(text or ""))).strip()


class BraveSearch:
    """Brave web search."""

    name = "brave"

    def __init__(self, api_key: str, *, client: httpx.Client | None = None) -> None:
        self._key = api_key
        self._client = client or httpx.Client(timeout=DEFAULT_TIMEOUT)

    def search(self, query: str, *, max_results: int = 5, lang: str | None = None) -> list[SearchResult]:
        """Search the web; results in Brave's ranking order."""
        params: dict[str, Any] = {
            "q": clean_query(query),
            "count": clamp_results(max_results),
            "safesearch": "moderate",
            "text_decorations": "false",
        }
        if lang in _LOCALE:
            params["search_lang"], params["country"] = _LOCALE[lang]
        request = self._client.build_request(
            "GET",
            ENDPOINT,
            params=params,
            headers={
                "Accept": "application/json",
                "X-Subscription-Token": self._key,
                "User-Agent": USER_AGENT,
            },
        )
        response = send(self.name, self._client, request)
        if response.status_code != 200:
            raise _error(response)
        return parse_results(json_body(self.name, response))


def _error(response: httpx.Response) -> SearchError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    code = str(error.get("code") or "") if isinstance(error, dict) else ""
    detail = str(error.get("detail") or "") if isinstance(error, dict) else ""
    message = (
        f"brave answered HTTP {status}" + (f" {code}" if code else "") + (f": {detail}" if detail else "")
    )
    if code in _AUTH_CODES:
        return SearchAuthFailed(message, provider="brave", status=status)
    if "QUOTA" in code:
        return SearchQuotaExceeded(message, provider="brave", status=status)
    return error_for_status("brave", status, f"{code} {detail}".strip())


def parse_results(body: Any) -> list[SearchResult]:
    """Web results from a Brave response body (no ``web`` section means nothing was found)."""
    if not isinstance(body, dict) or body.get("type") != "search":
        raise SearchResponseInvalid("brave response is not a search response", provider="brave")
    web = body.get("web")
    if web is None:
        return []
    results = web.get("results") if isinstance(web, dict) else None
    if not isinstance(results, list):
        raise SearchResponseInvalid("brave response has no result list at web.results", provider="brave")
    found: list[SearchResult] = []
    for item in results:
        if not isinstance(item, dict) or not item.get("url"):
            continue
        found.append(
            SearchResult(
                title=_plain(item.get("title")) or str(item["url"]),
                url=str(item["url"]),
                snippet=_plain(item.get("description"))[:_SNIPPET_CHARS],
                published_at=item.get("page_age") or None,
                source="brave",
            )
        )
    return found
