"""Search adapters against recorded response shapes (Tavily, Brave), the registry's fallback, citations."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from portal.search.base import (
    SearchAuthFailed,
    SearchQuotaExceeded,
    SearchRejected,
    SearchResponseInvalid,
    SearchResult,
    SearchThrottled,
    SearchTimeout,
    SearchUnavailable,
    clean_query,
)
from portal.search.brave import BraveSearch
from portal.search.citations import Source, citations_for, cited_indexes, footer
from portal.search.registry import (
    AllSearchProvidersFailed,
    SearchNotConfigured,
    configured_search_providers,
    search_web,
    web_search_available,
)
from portal.search.tavily import TavilySearch
from portal.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "search"


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class Recorder:
    """An httpx transport answering with one recorded response and keeping the requests it saw."""

    def __init__(
        self,
        status: int = 200,
        body: object = None,
        *,
        raw: bytes | None = None,
        exc: Exception | None = None,
    ):
        self.status, self.body, self.raw, self.exc = status, body, raw, exc
        self.requests: list[httpx.Request] = []

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.exc is not None:
            raise self.exc
        if self.raw is not None:
            return httpx.Response(self.status, content=self.raw, headers={"content-type": "text/html"})
        return httpx.Response(self.status, json=self.body)


@pytest.fixture(autouse=True)
def _no_search_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAVILY_API_KEY", raising=False)
    monkeypatch.delenv("BRAVE_API_KEY", raising=False)


# --- Tavily ---------------------------------------------------------------------------


def test_tavily_posts_the_query_with_a_bearer_key() -> None:
    wire = Recorder(body=recorded("tavily_search_ok.json"))
    TavilySearch("tvly-test", client=wire.client()).search("부가가치세  신고\n기한", max_results=3, lang="ko")
    (request,) = wire.requests
    assert request.method == "POST" and str(request.url) == "https://api.tavily.com/search"
    assert request.headers["authorization"] == "Bearer tvly-test"
    body = json.loads(request.content)
    assert body["query"] == "부가가치세 신고 기한"
    assert body["max_results"] == 3
    assert body["country"] == "south korea"
    assert body["include_answer"] is False


def test_tavily_results_become_search_results_in_its_order() -> None:
    results = TavilySearch("k", client=Recorder(body=recorded("tavily_search_ok.json")).client()).search("q")
    assert [r.title for r in results][:2] == [
        "부가가치세 신고·납부 기한 | 국세청",
        "홈택스 - 부가가치세 신고",
    ]
    assert results[0].url.startswith("https://www.nts.go.kr/")
    assert "7월 25일" in results[0].snippet
    assert results[0].published_at is None and results[1].published_at == "2025-01-02"
    assert {r.source for r in results} == {"tavily"}


def test_tavily_with_no_results_is_an_empty_list() -> None:
    assert (
        TavilySearch("k", client=Recorder(body=recorded("tavily_search_empty.json")).client()).search("q")
        == []
    )


@pytest.mark.parametrize(
    ("status", "fixture", "error", "retryable"),
    [
        (400, "tavily_error_400.json", SearchRejected, False),
        (401, "tavily_error_401.json", SearchAuthFailed, False),
        (429, "tavily_error_429.json", SearchThrottled, True),
        (432, "tavily_error_432.json", SearchQuotaExceeded, False),
        (500, "tavily_error_500.json", SearchUnavailable, True),
    ],
)
def test_tavily_errors_are_typed_with_the_apis_message(
    status: int, fixture: str, error: type, retryable: bool
) -> None:
    provider = TavilySearch("k", client=Recorder(status, recorded(fixture)).client())
    with pytest.raises(error) as raised:
        provider.search("q")
    assert raised.value.retryable is retryable
    assert raised.value.provider == "tavily" and raised.value.status == status
    assert recorded(fixture)["detail"]["error"] in str(raised.value)


def test_tavily_timeout_is_a_retryable_search_timeout() -> None:
    provider = TavilySearch("k", client=Recorder(exc=httpx.ReadTimeout("slow")).client())
    with pytest.raises(SearchTimeout) as raised:
        provider.search("q")
    assert raised.value.retryable


def test_tavily_unreachable_is_unavailable() -> None:
    provider = TavilySearch("k", client=Recorder(exc=httpx.ConnectError("no route")).client())
    with pytest.raises(SearchUnavailable):
        provider.search("q")


def test_tavily_200_that_is_not_json_is_an_invalid_response() -> None:
    provider = TavilySearch("k", client=Recorder(raw=b"<html>captive portal</html>").client())
    with pytest.raises(SearchResponseInvalid):
        provider.search("q")


def test_tavily_200_without_a_result_list_is_an_invalid_response_not_no_results() -> None:
    provider = TavilySearch("k", client=Recorder(body={"query": "q", "answer": None}).client())
    with pytest.raises(SearchResponseInvalid, match="results"):
        provider.search("q")


# --- Brave ----------------------------------------------------------------------------


def test_brave_gets_the_query_with_the_subscription_token_and_korean_locale() -> None:
    wire = Recorder(body=recorded("brave_search_ok.json"))
    BraveSearch("BSA-test", client=wire.client()).search("부가가치세 신고 기한", max_results=50, lang="ko")
    (request,) = wire.requests
    assert request.method == "GET"
    assert request.url.copy_with(query=None) == "https://api.search.brave.com/res/v1/web/search"
    assert request.headers["x-subscription-token"] == "BSA-test"
    params = dict(request.url.params)
    assert params["q"] == "부가가치세 신고 기한"
    assert params["count"] == "10"  # clamped: the adapter never asks for more than it uses
    assert (params["search_lang"], params["country"]) == ("ko", "KR")


def test_brave_results_lose_highlight_tags_and_entities() -> None:
    results = BraveSearch("k", client=Recorder(body=recorded("brave_search_ok.json")).client()).search("q")
    assert results[0].title == "부가가치세 신고 안내 | 국세청"
    assert (
        "<strong>" not in results[0].snippet
        and "신고/납부" in results[0].snippet
        and "& 제2기" in results[0].snippet
    )
    assert results[0].published_at == "2024-12-20T09:12:44"
    assert results[1].published_at is None
    assert [r.source for r in results] == ["brave", "brave"]


def test_brave_without_a_web_section_found_nothing() -> None:
    assert (
        BraveSearch("k", client=Recorder(body=recorded("brave_search_no_web.json")).client()).search("q")
        == []
    )


@pytest.mark.parametrize(
    ("status", "fixture", "error", "retryable"),
    [
        (422, "brave_error_422_token.json", SearchAuthFailed, False),
        (422, "brave_error_422_validation.json", SearchRejected, False),
        (429, "brave_error_429.json", SearchThrottled, True),
        (500, "brave_error_500.json", SearchUnavailable, True),
    ],
)
def test_brave_errors_are_typed_by_the_bodys_code(
    status: int, fixture: str, error: type, retryable: bool
) -> None:
    provider = BraveSearch("k", client=Recorder(status, recorded(fixture)).client())
    with pytest.raises(error) as raised:
        provider.search("q")
    assert raised.value.retryable is retryable
    assert recorded(fixture)["error"]["code"] in str(raised.value)


def test_brave_body_that_is_not_a_search_response_is_invalid() -> None:
    provider = BraveSearch("k", client=Recorder(body={"type": "ErrorResponse"}).client())
    with pytest.raises(SearchResponseInvalid):
        provider.search("q")


def test_an_empty_query_is_refused_before_any_request() -> None:
    wire = Recorder(body=recorded("brave_search_ok.json"))
    with pytest.raises(ValueError, match="empty"):
        BraveSearch("k", client=wire.client()).search("  \n ")
    assert wire.requests == []


def test_queries_are_cut_at_the_providers_limit() -> None:
    assert len(clean_query("가" * 1000)) == 400


# --- registry: configuration and fallback ------------------------------------------------


def test_no_key_means_no_provider_and_no_web_search() -> None:
    settings = Settings()
    assert configured_search_providers(settings) == []
    assert web_search_available(settings) is False


def test_keys_from_the_environment_configure_providers_in_fallback_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRAVE_API_KEY", "BSA-x")
    monkeypatch.setenv("TAVILY_API_KEY", "tvly-x")
    settings = Settings()
    assert [p.name for p in configured_search_providers(settings)] == ["tavily", "brave"]
    assert web_search_available(settings) is True


def test_one_key_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRAVE_API_KEY", "BSA-x")
    assert [p.name for p in configured_search_providers(Settings())] == ["brave"]


class FakeProvider:
    """A search API double (the real APIs are tested above against their recorded shapes)."""

    def __init__(self, name: str, outcome: list[SearchResult] | Exception) -> None:
        self.name, self.outcome, self.calls = name, outcome, 0

    def search(self, query: str, *, max_results: int = 5, lang: str | None = None) -> list[SearchResult]:
        self.calls += 1
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def _hits(source: str, *urls: str) -> list[SearchResult]:
    return [SearchResult(title=f"{source} {u}", url=u, snippet="s", source=source) for u in urls]


def test_a_failing_provider_hands_over_to_the_next_and_is_recorded() -> None:
    first = FakeProvider("tavily", SearchThrottled("busy", provider="tavily", status=429))
    second = FakeProvider("brave", _hits("brave", "https://a.example/"))
    outcome = search_web("q", max_results=5, lang="ko", providers=[first, second])
    assert outcome.provider == "brave" and [r.url for r in outcome.results] == ["https://a.example/"]
    assert outcome.failures == [{"provider": "tavily", "error": "SearchThrottled", "message": "busy"}]


def test_an_auth_failure_also_falls_back() -> None:
    first = FakeProvider("tavily", SearchAuthFailed("bad key", provider="tavily"))
    second = FakeProvider("brave", _hits("brave", "https://a.example/"))
    assert search_web("q", max_results=5, lang=None, providers=[first, second]).provider == "brave"


def test_a_provider_that_finds_nothing_lets_the_next_try() -> None:
    first, second = FakeProvider("tavily", []), FakeProvider("brave", _hits("brave", "https://b.example/"))
    outcome = search_web("q", max_results=5, lang=None, providers=[first, second])
    assert outcome.provider == "brave" and outcome.failures == []


def test_when_every_provider_finds_nothing_the_outcome_is_empty_not_an_error() -> None:
    outcome = search_web("q", max_results=5, lang=None, providers=[FakeProvider("tavily", [])])
    assert outcome.results == [] and outcome.provider == "tavily"


def test_when_every_provider_fails_the_error_lists_each_failure() -> None:
    providers = [
        FakeProvider("tavily", SearchUnavailable("502", provider="tavily")),
        FakeProvider("brave", SearchTimeout("slow", provider="brave")),
    ]
    with pytest.raises(AllSearchProvidersFailed) as raised:
        search_web("q", max_results=5, lang=None, providers=providers)
    assert [f["provider"] for f in raised.value.failures] == ["tavily", "brave"]


def test_searching_without_providers_says_not_configured() -> None:
    with pytest.raises(SearchNotConfigured, match="TAVILY_API_KEY"):
        search_web("q", max_results=5, lang=None, providers=[])


def test_results_are_deduplicated_by_url_and_capped() -> None:
    provider = FakeProvider(
        "tavily",
        _hits("t", "https://a.example/", "https://a.example", "https://b.example/", "https://c.example/"),
    )
    outcome = search_web("q", max_results=2, lang=None, providers=[provider])
    assert [r.url for r in outcome.results] == ["https://a.example/", "https://b.example/"]


def test_recorded_tavily_duplicates_collapse_through_the_registry() -> None:
    provider = TavilySearch("k", client=Recorder(body=recorded("tavily_search_ok.json")).client())
    outcome = search_web("q", max_results=5, lang="ko", providers=[provider])
    assert len(outcome.results) == 2


# --- citations ------------------------------------------------------------------------------


def _sources(n: int) -> list[Source]:
    return [Source(index=i, title=f"T{i}", url=f"https://s{i}.example/") for i in range(1, n + 1)]


def test_cited_numbers_are_read_in_first_cited_order_within_range() -> None:
    assert cited_indexes("A [2]. B [1][2]. C [3, 1]. D [9]. E [0].", 3) == [2, 1, 3]


def test_only_cited_sources_are_kept() -> None:
    assert [c["index"] for c in citations_for("Fact [2].", _sources(3))] == [2]


def test_an_answer_that_cites_nothing_keeps_every_source() -> None:
    assert [c["url"] for c in citations_for("No markers.", _sources(2))] == [
        "https://s1.example/",
        "https://s2.example/",
    ]


def test_the_footer_lists_each_cited_url() -> None:
    text = footer(citations_for("x [1]", _sources(2)), korean=True)
    assert "출처:" in text and "[1] T1 — https://s1.example/" in text and "s2.example" not in text
