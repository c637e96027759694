"""Tavily's search API (POST https://api.tavily.com/search, JSON in and out).

Request: ``{"query", "max_results", "search_depth", "topic", "include_answer", ...}`` with
``Authorization: Bearer <key>``. Response: ``{"query", "results": [{"title", "url",
"content", "score", "published_date"?}], "response_time", ...}``. Errors carry
``{"detail": {"error": "..."}}``; 432/433 mean the plan's credits are used up.
"""

from __future__ import annotations

from typing import Any

import httpx

from portal.search.base import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    SearchQuotaExceeded,
    SearchResponseInvalid,
    SearchResult,
    clamp_results,
    clean_query,
    error_for_status,
    json_body,
    send,
)

ENDPOINT = "https://api.tavily.com/search"
_SNIPPET_CHARS = 600
# Tavily has no language parameter; `country` boosts results from one country (general topic only).
_COUNTRY_FOR_LANG = {"ko": "south korea"}


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, dict):
            return str(detail.get("error") or "")
        if isinstance(detail, str):
            return detail
    return ""


class TavilySearch:
    """Tavily web search."""

    name = "tavily"

    def __init__(self, api_key: str, *, client: httpx.Client | None = None) -> None:
        self._key = api_key
        self._client = client or httpx.Client(timeout=DEFAULT_TIMEOUT)

    def search(self, query: str, *, max_results: int = 5, lang: str | None = None) -> list[SearchResult]:
        """Search the web; results in Tavily's relevance order."""
        payload: dict[str, Any] = {
            "query": clean_query(query),
            "max_results": clamp_results(max_results),
            "search_depth": "basic",
            "topic": "general",
            "include_answer": False,
            "include_raw_content": False,
            "include_images": False,
        }
        if lang in _COUNTRY_FOR_LANG:
            payload["country"] = _COUNTRY_FOR_LANG[lang]
        request = self._client.build_request(
            "POST",
            ENDPOINT,
            json=payload,
            headers={"Authorization": f"Bearer {self._key}", "User-Agent": USER_AGENT},
        )
        response = send(self.name, self._client, request)
        if response.status_code != 200:
            body = _safe_json(response)
            if response.status_code in (432, 433):
                raise SearchQuotaExceeded(
                    f"tavily answered HTTP {response.status_code}: {_detail(body) or 'plan limit reached'}",
                    provider=self.name,
                    status=response.status_code,
                )
            raise error_for_status(self.name, response.status_code, _detail(body))
        return parse_results(json_body(self.name, response))


def parse_results(body: Any) -> list[SearchResult]:
    """Results from a Tavily response body; a missing result list is an error, an empty one is not."""
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise SearchResponseInvalid("tavily response has no result list at results", provider="tavily")
    found: list[SearchResult] = []
    for item in results:
        if not isinstance(item, dict) or not item.get("url"):
            continue
        found.append(
            SearchResult(
                title=str(item.get("title") or item["url"]).strip(),
                url=str(item["url"]),
                snippet=str(item.get("content") or "").strip()[:_SNIPPET_CHARS],
                published_at=item.get("published_date") or None,
                source="tavily",
            )
        )
    return found


def _safe_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
