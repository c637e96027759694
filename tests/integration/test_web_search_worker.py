"""The web_search worker over real PostgreSQL and moto: search, read pages, answer with citations.

Search APIs are replaced by a fake provider (the real adapters are tested against recorded
shapes); pages are fetched for real from an HTTP server on 127.0.0.1 through a fetcher whose
policy allows loopback for these tests only; models are scripted.
"""

from __future__ import annotations

import ipaddress
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from portal.agents.registry import WORKERS
from portal.agents.runner import run_worker
from portal.agents.turn import TurnInput
from portal.agents.workers.web_search import answer
from portal.db.repositories import conversations, messages, users
from portal.llm.base import ProviderRejected
from portal.llm.catalog import get_model
from portal.search import registry
from portal.search.base import SearchResult, SearchUnavailable
from portal.search.fetch import FetchPolicy, PageFetcher

from tests.scripted import ScriptedModel

pytestmark = pytest.mark.integration

PAGES = {
    "/vat": "<html><head><title>부가가치세 안내</title></head><body><article><p>제1기 확정신고 기한은 7월 25일입니다.</p></article></body></html>",
    "/hometax": "<html><head><title>홈택스</title></head><body><p>홈택스에서 전자신고할 수 있습니다.</p></body></html>",
}


class _Site(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        data = (body or "missing").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class FakeSearch:
    """A search API double that records the queries it was asked."""

    def __init__(self, results: list[SearchResult] | Exception, name: str = "tavily") -> None:
        self.name, self.results, self.queries = name, results, []

    def search(self, query: str, *, max_results: int = 5, lang: str | None = None) -> list[SearchResult]:
        self.queries.append((query, lang))
        if isinstance(self.results, Exception):
            raise self.results
        return self.results


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch, site: str):
    """Install search providers and a fetcher that may reach the local site."""
    fetcher = PageFetcher(
        FetchPolicy(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), allowed_ports=None)
    )
    monkeypatch.setattr(registry, "page_fetcher", lambda: fetcher)

    def install(*providers: FakeSearch) -> None:
        monkeypatch.setattr(registry, "search_providers", lambda: list(providers))

    return install


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch):
    """Scripted Claude (plus an offline model that must not be asked)."""
    from portal.llm import service

    def install(*replies: object) -> ScriptedModel:
        claude = ScriptedModel(list(replies), name="anthropic")
        monkeypatch.setattr(
            service, "providers", lambda: {"anthropic": claude, "offline": ScriptedModel([], name="offline")}
        )
        return claude

    return install


def results(site: str) -> list[SearchResult]:
    return [
        SearchResult(
            title="부가가치세 안내 | 국세청", url=f"{site}/vat", snippet="확정신고 기한 안내", source="tavily"
        ),
        SearchResult(title="홈택스 전자신고", url=f"{site}/hometax", snippet="전자신고", source="tavily"),
        SearchResult(title="안 읽힌 페이지", url=f"{site}/gone", snippet="404 page", source="tavily"),
    ]


def new_turn(db, content: str, *, history: tuple[tuple[str, str], ...] = (), admin: bool = False) -> dict:
    """A stored user message (after optional earlier turns) and the worker's event for it."""
    roles = ["admin"] if admin else []
    users.upsert_from_claims(db, empno="E1001", name_ko="홍길동", company=None, company_code="C", roles=roles)
    conversation = conversations.create(db, user_empno="E1001", title=None)
    for question, reply in history:
        earlier = str(uuid.uuid4())
        messages.add_user_message(
            db, conversation_id=conversation.id, turn_id=earlier, content=question, metadata={}
        )
        messages.save_assistant_message(
            db,
            conversation_id=conversation.id,
            turn_id=earlier,
            content=reply,
            status="completed",
            agent_type="general",
            model_used=None,
        )
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=content, metadata={}
    )
    turn = TurnInput(turn_id=turn_id, conversation_id=conversation.id, message_id=message.id, empno="E1001")
    route = {"agent": "web_search", "confidence": 1.0, "reason": "toggle: web_search", "decided_by": "toggle"}
    return {**turn.model_dump(), "route": route}


def streamed_text(turn_id: str) -> str:
    """The chunks kept for replay, joined in order."""
    from portal import aws
    from portal.realtime.stream import stored_chunks
    from portal.settings import get_settings

    table = aws.dynamodb_table(get_settings().stream_table)
    return "".join(str(i["text"]) for i in stored_chunks(table, turn_id, after_seq=0))


def stored(db, event: dict):
    return messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant")


def test_the_answer_cites_the_pages_it_read_and_ends_with_their_urls(db, aws, web, models, site) -> None:
    search = FakeSearch(results(site))
    web(search)
    claude = models("제1기 확정신고 기한은 7월 25일입니다 [1]. 홈택스에서 전자신고할 수 있습니다 [2].")
    event = new_turn(db, "부가세 확정신고 기한이 언제야?")

    out = run_worker(event, answer)

    message = stored(db, event)
    assert out["message_id"] == message.id and message.status == "completed"
    assert message.agent_type == "web_search"
    assert get_model(message.model_used).model_id == claude.requests[0].model_id  # the model that answered
    assert [(c["index"], c["url"]) for c in message.metadata["citations"]] == [
        (1, f"{site}/vat"),
        (2, f"{site}/hometax"),
    ]
    assert f"[1] 부가가치세 안내 | 국세청 — {site}/vat" in message.content
    assert f"{site}/gone" not in message.content  # not cited, not listed
    assert search.queries == [("부가세 확정신고 기한이 언제야?", "ko")]
    # The model read what the fetcher got from the pages, not just the snippets.
    system = claude.requests[0].system
    assert (
        "제1기 확정신고 기한은 7월 25일입니다." in system and "홈택스에서 전자신고할 수 있습니다." in system
    )
    assert message.metadata["search"]["pages_read"] == 2
    assert message.metadata["search"]["fetch_failures"][0]["code"] == "http_404"
    assert streamed_text(event["turn_id"]) == message.content


def test_without_a_search_provider_an_admin_is_told_what_to_configure(db, aws, web, models) -> None:
    web()  # no provider
    claude = models()  # a model call would fail the script
    event = new_turn(db, "오늘 코스피 지수 알려줘", admin=True)

    run_worker(event, answer)

    message = stored(db, event)
    assert message.status == "completed" and message.model_used is None
    assert message.content.startswith("웹 검색이 설정되지 않았습니다")
    assert "TAVILY_API_KEY" in message.content and "BRAVE_API_KEY" in message.content
    assert message.metadata["search"] == {"configured": False, "answered_by": "not_configured"}
    assert claude.requests == []


def test_without_a_search_provider_an_employee_is_told_to_ask_an_admin_in_korean(
    db, aws, web, models
) -> None:
    web()
    claude = models()
    event = new_turn(db, "오늘 코스피 지수 알려줘")

    run_worker(event, answer)

    content = stored(db, event).content
    assert content.startswith("웹 검색이 설정되지 않았습니다") and "관리자에게 문의해 주세요" in content
    for operator_detail in ("TAVILY_API_KEY", "BRAVE_API_KEY", "Secrets Manager", "provider-keys"):
        assert operator_detail not in content
    assert streamed_text(event["turn_id"]) == content
    assert claude.requests == []


def test_an_english_question_gets_the_not_configured_answer_in_english(db, aws, web) -> None:
    web()
    event = new_turn(db, "What is the weather in Seoul today?")
    run_worker(event, answer)
    assert stored(db, event).content.startswith("Web search is not configured")


def test_with_the_offline_model_the_answer_lists_the_results_and_says_it_is_offline(
    db, aws, web, site
) -> None:
    web(FakeSearch(results(site)))  # no model keys: the real offline provider is the only model
    event = new_turn(db, "부가세 확정신고 기한이 언제야?")

    run_worker(event, answer)

    message = stored(db, event)
    assert message.content.startswith("[오프라인 모드]")
    assert "ANTHROPIC_API_KEY" not in message.content and "관리자에게 문의해 주세요" in message.content
    for path in ("/vat", "/hometax", "/gone"):
        assert f"{site}{path}" in message.content
    assert [c["index"] for c in message.metadata["citations"]] == [1, 2, 3]
    assert message.model_used is None and message.metadata["search"]["answered_by"] == "offline"


def test_when_the_first_provider_fails_the_next_one_answers(db, aws, web, models, site) -> None:
    broken = FakeSearch(SearchUnavailable("502 from upstream", provider="tavily"), name="tavily")
    working = FakeSearch(results(site)[:1], name="brave")
    web(broken, working)
    models("기한은 7월 25일입니다 [1].")
    event = new_turn(db, "부가세 확정신고 기한")

    run_worker(event, answer)

    search = stored(db, event).metadata["search"]
    assert search["provider"] == "brave"
    assert search["provider_failures"][0]["provider"] == "tavily"


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
def test_when_every_provider_fails_the_answer_says_so_plainly(db, aws, web, models, admin: bool) -> None:
    web(FakeSearch(SearchUnavailable("down", provider="tavily")))
    claude = models()
    event = new_turn(db, "부가세 확정신고 기한", admin=admin)

    run_worker(event, answer)

    message = stored(db, event)
    assert message.status == "completed" and "웹 검색 서비스가 응답하지 않아" in message.content
    # Which provider failed and why is operator detail: admins only.
    assert ("tavily (SearchUnavailable)" in message.content) is admin
    assert claude.requests == []


def test_a_search_that_finds_nothing_is_answered_without_a_model(db, aws, web, models) -> None:
    web(FakeSearch([]))
    claude = models()
    event = new_turn(db, "존재하지 않는 검색어 zxqv")
    run_worker(event, answer)
    assert "결과를 찾지 못했습니다" in stored(db, event).content
    assert claude.requests == []


def test_a_result_pointing_at_the_metadata_service_is_not_fetched(db, aws, web, models, site) -> None:
    trap = SearchResult(
        title="trap", url="http://169.254.169.254/latest/meta-data/", snippet="", source="tavily"
    )
    web(FakeSearch([trap, *results(site)[:1]]))
    claude = models("답변 [2].")
    event = new_turn(db, "부가세 확정신고 기한")

    run_worker(event, answer)

    search = stored(db, event).metadata["search"]
    assert {"url": trap.url, "code": "metadata"} == {
        k: search["fetch_failures"][0][k] for k in ("url", "code")
    }
    assert search["pages_read"] == 1
    assert "Excerpt" not in claude.requests[0].system.split("[2]")[0]  # nothing read from the trap


def test_a_follow_up_question_is_rewritten_into_a_standalone_query(db, aws, web, models, site) -> None:
    search = FakeSearch(results(site)[:1])
    web(search)
    models("2025년 부가가치세 제1기 확정신고 기한", "7월 25일입니다 [1].")
    event = new_turn(
        db, "그럼 올해는?", history=(("작년 부가세 확정신고 기한이 언제였어?", "7월 25일이었습니다."),)
    )

    run_worker(event, answer)

    assert search.queries == [("2025년 부가가치세 제1기 확정신고 기한", "ko")]
    meta = stored(db, event).metadata["search"]
    assert meta["query"] == "2025년 부가가치세 제1기 확정신고 기한" and meta["query_rewritten"] is True


def test_when_the_model_refuses_before_writing_the_results_are_still_given(
    db, aws, web, models, site
) -> None:
    web(FakeSearch(results(site)))
    models(ProviderRejected("content refused"))
    event = new_turn(db, "부가세 확정신고 기한")

    run_worker(event, answer)

    message = stored(db, event)
    assert message.content.startswith("[검색 결과만 제공]") and f"{site}/vat" in message.content


def test_a_repeated_delivery_does_not_answer_twice(db, aws, web, models, site) -> None:
    web(FakeSearch(results(site)))
    claude = models("한 번만 답합니다 [1].")
    event = new_turn(db, "부가세 확정신고 기한")

    first = run_worker(event, answer)
    second = run_worker(event, answer)

    assert first["message_id"] == second["message_id"]
    assert len(claude.requests) == 1


@pytest.mark.skipif(
    "web_search" not in WORKERS,
    reason="the chat state machine does not route to web_search yet (lead wires it)",
)
def test_a_toggled_turn_through_the_local_target_answers_with_the_offline_model(target, web, site) -> None:
    import httpx

    from tests.conftest import make_token

    web(FakeSearch(results(site)))
    token = make_token()
    with httpx.Client(
        base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        conversation = http.post("/api/conversations", json={}).json()
        reply = http.post(
            f"/api/conversations/{conversation['id']}/messages?wait=true",
            json={"content": "부가세 확정신고 기한", "toggle": "web_search"},
        ).json()
    assert reply["agent_type"] == "web_search" and reply["content"].startswith("[오프라인 모드]")
    assert f"{site}/vat" in reply["content"]
