"""Deep research end to end: the deep_research worker starts the Standard research machine in moto, whose
Plan -> Map(Search) -> Gaps -> (FollowUpSearch) -> Synthesize tasks run in-process over real PostgreSQL.

Search APIs are a fake provider; pages are fetched for real from a server on 127.0.0.1 (allowed
for these tests only); models are scripted or the real offline provider.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from portal import aws, services
from portal.agents.registry import WORKERS
from portal.agents.research import gaps, gather, start
from portal.agents.research.findings import FilePassage
from portal.agents.turn import TurnInput
from portal.db.repositories import conversations, messages, users
from portal.llm.base import ProviderRejected
from portal.local.functions import invoke
from portal.realtime.stream import finished_event, stored_chunks
from portal.search import registry
from portal.search.base import SearchResult
from portal.search.fetch import FetchPolicy, PageFetcher
from portal.settings import get_settings, reset_settings

from tests.scripted import ScriptedModel

pytestmark = pytest.mark.integration

QUESTION = "2025년 부가가치세 확정신고 기한과 전자신고 방법을 조사해줘"


class _Site(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = f"<html><head><title>{self.path}</title></head><body><p>본문 {self.path}: 확정신고 기한은 7월 25일입니다.</p></body></html>"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
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
    """Two distinct results per query, under the local site; records queries (Map items run concurrently)."""

    name = "tavily"

    def __init__(self, site: str, *, explode_on: str | None = None) -> None:
        self.site, self.explode_on = site, explode_on
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def search(self, query: str, *, max_results: int = 5, lang: str | None = None) -> list[SearchResult]:
        with self._lock:
            self.queries.append(query)
            n = len(self.queries)
        if query == self.explode_on:
            raise RuntimeError("search adapter crashed")  # not a SearchError: the Lambda task itself fails
        return [
            SearchResult(
                title=f"자료 {n}-{k}",
                url=f"{self.site}/doc/{n}-{k}",
                snippet=f"{query} 요약 {k}",
                source="tavily",
            )
            for k in ("a", "b")
        ]


@pytest.fixture
def research(aws: dict, monkeypatch: pytest.MonkeyPatch, site: str):
    """The research machine configured, a loopback-allowed fetcher, and a way to install search."""
    monkeypatch.setenv("PORTAL_RESEARCH_STATE_MACHINE_ARN", aws["research_state_machine_arn"])
    reset_settings()  # not services.reset(): that would close the `db` fixture's executor
    fetcher = PageFetcher(
        FetchPolicy(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), allowed_ports=None)
    )
    monkeypatch.setattr(registry, "page_fetcher", lambda: fetcher)

    def install(*providers: object) -> None:
        monkeypatch.setattr(registry, "search_providers", lambda: list(providers))
        # web_search_available reads keys; the fake provider stands for a configured key.
        monkeypatch.setattr(start, "web_search_available", lambda settings=None: bool(providers))
        monkeypatch.setattr(gaps, "web_search_available", lambda settings=None: bool(providers))

    return install


@pytest.fixture
def claude(monkeypatch: pytest.MonkeyPatch):
    from portal.llm import service

    def install(*replies: object) -> ScriptedModel:
        model = ScriptedModel(list(replies), name="anthropic")
        monkeypatch.setattr(
            service, "providers", lambda: {"anthropic": model, "offline": ScriptedModel([], name="offline")}
        )
        return model

    return install


def new_turn(db, content: str = QUESTION, *, admin: bool = False) -> dict:
    roles = ["admin"] if admin else []
    users.upsert_from_claims(db, empno="E1001", name_ko="홍길동", company=None, company_code="C", roles=roles)
    conversation = conversations.create(db, user_empno="E1001", title=None)
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=content, metadata={}
    )
    turn = TurnInput(turn_id=turn_id, conversation_id=conversation.id, message_id=message.id, empno="E1001")
    route = {
        "agent": "deep_research",
        "confidence": 1.0,
        "reason": "toggle: deep_research",
        "decided_by": "toggle",
    }
    return {**turn.model_dump(), "route": route}


def run_research(event: dict, *, timeout: float = 90.0) -> dict:
    """Invoke the DeepResearchWorker function as the chat machine would, then wait for the research run."""
    result, error = invoke("portal-worker-deep-research", event)
    assert error is None, result
    arn = get_settings().research_state_machine_arn
    assert arn
    execution = f"{arn.replace(':stateMachine:', ':execution:')}:{event['turn_id']}"
    sfn = aws.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return {"worker": result, **described}
        time.sleep(0.1)
    raise AssertionError("the research execution did not finish")


def answer_of(db, event: dict):
    return messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant")


def chunks(turn_id: str) -> list[dict]:
    return stored_chunks(aws.dynamodb_table(get_settings().stream_table), turn_id, after_seq=0)


PLAN = {
    "intent": "부가가치세 확정신고 기한과 전자신고 절차 확인",
    "context": "",
    "queries": ["2025 부가가치세 확정신고 기한", "홈택스 부가가치세 전자신고 방법", "부가세 신고 기한 연장"],
    "info_gaps": ["2025년 기한 변경 여부"],
}
GAPS = {"info_gaps": ["기한 연장 대상 요건이 불분명"], "queries": ["부가가치세 신고 기한 연장 요건"]}
REPORT = "# 부가가치세 확정신고 안내\n\n## 요약\n- 제1기 확정신고 기한은 7월 25일입니다 [1].\n- 홈택스로 전자신고합니다 [3]."


def test_a_research_turn_plans_searches_finds_gaps_and_stores_a_cited_report(
    db, research, claude, site
) -> None:
    search = FakeSearch(site)
    research(search)
    model = claude(json.dumps(PLAN, ensure_ascii=False), json.dumps(GAPS, ensure_ascii=False), REPORT)
    event = new_turn(db)

    run = run_research(event)

    assert run["status"] == "SUCCEEDED", run
    assert run["worker"]["status"] == "research_started"
    assert sorted(search.queries) == sorted(PLAN["queries"] + GAPS["queries"])  # the Map ran both rounds
    answer = answer_of(db, event)
    assert answer.id == run["worker"]["message_id"]  # the placeholder was replaced, not duplicated
    assert answer.status == "completed" and answer.agent_type == "deep_research"
    assert answer.content.startswith(REPORT) and "\n\n출처:\n[1] " in answer.content
    cited = answer.metadata["citations"]
    assert [c["index"] for c in cited] == [1, 3] and all(c["url"].startswith(f"{site}/doc/") for c in cited)
    research_meta = answer.metadata["research"]
    assert (
        research_meta["queries"] == PLAN["queries"] and research_meta["followup_queries"] == GAPS["queries"]
    )
    assert research_meta["planned_by"] == "model" and research_meta["analysed_by"] == "model"
    assert research_meta["info_gaps"] == ["2025년 기한 변경 여부", "기한 연장 대상 요건이 불분명"]
    assert sorted((q["round"], q["web"]) for q in research_meta["per_query"]) == [
        (1, 2),
        (1, 2),
        (1, 2),
        (2, 2),
    ]
    assert answer.input_tokens > 0 and answer.output_tokens > 0 and answer.processing_time is not None
    # The report's model read the fetched pages (kept in S3 between the steps).
    assert "본문 /doc/" in model.requests[2].system
    keys = aws.client("s3").list_objects_v2(
        Bucket=get_settings().uploads_bucket, Prefix=f"research/{event['turn_id']}/"
    )
    assert sorted(o["Key"].rsplit("/", 1)[1] for o in keys["Contents"]) == [
        "r1-00.json",
        "r1-01.json",
        "r1-02.json",
        "r2-00.json",
    ]
    # One numbered stream across the steps: the note, the plan, the gaps, then the report; done last.
    kept = chunks(event["turn_id"])
    assert [int(c["seq"]) for c in kept] == list(range(1, len(kept) + 1))
    streamed = "".join(str(c["text"]) for c in kept)
    assert (
        streamed.startswith("심층 리서치를 시작합니다")
        and "검색어: 2025 부가가치세 확정신고 기한" in streamed
    )
    assert "보완 검색: 부가가치세 신고 기한 연장 요건" in streamed and streamed.endswith(answer.content)
    done = finished_event(aws.dynamodb_table(get_settings().stream_table), event["turn_id"])
    assert done == {**done, "type": "done", "message_id": answer.id, "last_seq": len(kept)}


def test_with_the_offline_model_the_report_is_an_honest_compilation_of_the_sources(
    db, research, site
) -> None:
    search = FakeSearch(site)
    research(search)
    event = new_turn(db)

    run = run_research(event)

    assert run["status"] == "SUCCEEDED", run
    output = json.loads(run["output"])
    assert "more_findings" not in output  # rules plan no second round
    answer = answer_of(db, event)
    assert answer.content.startswith("[오프라인 모드]") and answer.model_used is None
    assert search.queries[0] == QUESTION or QUESTION in search.queries  # the question itself is searched
    for citation in answer.metadata["citations"]:
        assert citation["url"] in answer.content
    assert answer.metadata["research"]["planned_by"] == "rules"
    assert answer.metadata["research"]["answered_by"] == "offline"


def test_one_crashing_query_is_reported_and_the_others_carry_the_research(db, research, site) -> None:
    from portal.agents.research.plan import rules_queries

    crashing = rules_queries(QUESTION, max_queries=get_settings().research_max_queries)[1]
    research(FakeSearch(site, explode_on=crashing))
    event = new_turn(db)

    run = run_research(event)

    assert run["status"] == "SUCCEEDED", run
    per_query = {q["query"]: q for q in answer_of(db, event).metadata["research"]["per_query"]}
    assert per_query[crashing]["web_status"] == "failed" and per_query[crashing]["error"] == "RuntimeError"
    assert per_query[QUESTION]["web"] == 2
    assert answer_of(db, event).status == "completed"


def test_a_failing_report_reaches_the_failure_handler_which_marks_the_turn_failed(
    db, research, claude, site
) -> None:
    research(FakeSearch(site))
    claude(
        json.dumps(PLAN, ensure_ascii=False),
        '{"info_gaps": [], "queries": []}',
        ("# 보고서 초안", ProviderRejected("content refused")),
    )
    event = new_turn(db)

    run = run_research(event)

    assert run["status"] == "FAILED" and run["error"] == "ResearchFailed"
    answer = answer_of(db, event)
    assert answer.status == "failed" and answer.id == run["worker"]["message_id"]
    assert "content refused" in answer.metadata["error"]
    closing = finished_event(aws.dynamodb_table(get_settings().stream_table), event["turn_id"])
    assert closing["type"] == "error" and closing["code"] == "turn_failed"
    # A repeated delivery of the chat task afterwards leaves the failed turn as it is.
    again, error = invoke("portal-worker-deep-research", event)
    assert error is None and again["status"] == "failed"
    assert answer_of(db, event).status == "failed"


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
def test_without_any_source_to_search_the_turn_gets_a_clear_not_configured_answer(
    db, research, monkeypatch, admin: bool
) -> None:
    research()  # no search provider
    monkeypatch.setattr(start, "files_retriever", lambda: None)  # a deployment without file retrieval
    event = new_turn(db, admin=admin)

    result, error = invoke("portal-worker-deep-research", event)

    assert error is None
    answer = answer_of(db, event)
    assert answer.status == "completed" and answer.id == result["message_id"]
    assert answer.content.startswith("심층 리서치가 설정되지 않았습니다")
    # The keys and settings are operator detail: admins only; employees are told whom to ask.
    assert ("TAVILY_API_KEY" in answer.content) is admin
    assert ("관리자에게 문의해 주세요" in answer.content) is not admin
    arn = get_settings().research_state_machine_arn
    assert aws.client("stepfunctions").list_executions(stateMachineArn=arn)["executions"] == []


def test_without_the_research_machine_the_answer_says_the_workflow_is_missing(
    db, research, site, monkeypatch
) -> None:
    research(FakeSearch(site))
    monkeypatch.delenv("PORTAL_RESEARCH_STATE_MACHINE_ARN")
    reset_settings()
    event = new_turn(db, "Research the EU AI Act timeline", admin=True)

    invoke("portal-worker-deep-research", event)

    assert "PORTAL_RESEARCH_STATE_MACHINE_ARN" in answer_of(db, event).content


def test_the_users_files_are_searched_when_a_retriever_is_connected(db, research, monkeypatch) -> None:
    class Files:
        def __init__(self) -> None:
            self.calls: list[tuple[str, str]] = []

        def retrieve(self, *, empno: str, query: str, limit: int) -> list[FilePassage]:
            self.calls.append((empno, query))
            return [
                FilePassage(
                    file_id="file-1", filename="세무가이드.pdf", text="확정신고는 7월 25일까지", page=3
                )
            ]

    files = Files()
    monkeypatch.setattr(gather, "files_retriever", lambda: files)
    monkeypatch.setattr(start, "files_retriever", lambda: files)
    research()  # no web search: the files alone make research possible
    event = new_turn(db)

    run = run_research(event)

    assert run["status"] == "SUCCEEDED", run
    assert {empno for empno, _ in files.calls} == {"E1001"}
    answer = answer_of(db, event)
    per_query = answer.metadata["research"]["per_query"]
    assert all(q["web_status"] == "not_configured" and q["files"] == 1 for q in per_query)
    (citation,) = answer.metadata["citations"]  # the same passage from every query is one source
    assert citation["file_id"] == "file-1" and citation["url"] is None
    assert "세무가이드.pdf (p.3)" in answer.content


def test_a_repeated_start_neither_restarts_the_research_nor_repeats_the_note(db, research, site) -> None:
    research(FakeSearch(site))
    event = new_turn(db)

    first = run_research(event)
    chunks_after_first = len(chunks(event["turn_id"]))
    again, error = invoke("portal-worker-deep-research", event)

    assert error is None and again["message_id"] == first["worker"]["message_id"]
    executions = aws.client("stepfunctions").list_executions(
        stateMachineArn=get_settings().research_state_machine_arn
    )
    assert len(executions["executions"]) == 1
    assert len(chunks(event["turn_id"])) == chunks_after_first


def test_research_streams_to_a_real_websocket_through_the_local_target(target, site, monkeypatch) -> None:
    """The local target end to end with the offline model: note, progress and report as numbered chunks, then done."""
    from websockets.sync.client import connect

    from tests.conftest import make_token

    fetcher = PageFetcher(
        FetchPolicy(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), allowed_ports=None)
    )
    monkeypatch.setattr(registry, "page_fetcher", lambda: fetcher)
    monkeypatch.setattr(registry, "search_providers", lambda: [FakeSearch(site)])
    monkeypatch.setattr(start, "web_search_available", lambda settings=None: True)
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        event = new_turn(services.db())
        result, error = invoke("portal-worker-deep-research", event)
        assert error is None, result
        events: list[dict] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            frame = json.loads(ws.recv(timeout=deadline - time.monotonic()))
            if frame.get("turn_id") == event["turn_id"]:
                events.append(frame)
                if frame["type"] in ("done", "error"):
                    break
    chunk_events = [e for e in events if e["type"] == "chunk"]
    assert events[-1]["type"] == "done", events[-1]
    assert [e["seq"] for e in chunk_events] == list(range(1, len(chunk_events) + 1))
    text = "".join(e["text"] for e in chunk_events)
    answer = messages.get_turn_message(services.db(), turn_id=event["turn_id"], role="assistant")
    assert text.startswith("심층 리서치를 시작합니다") and text.endswith(answer.content)
    assert answer.content.startswith("[오프라인 모드]") and events[-1]["message_id"] == answer.id


@pytest.mark.skipif(
    "deep_research" not in WORKERS,
    reason="the chat state machine does not route to deep_research yet (lead wires it)",
)
def test_a_toggled_turn_through_rest_starts_research_and_ends_with_the_report(
    target, site, monkeypatch
) -> None:
    import httpx

    from tests.conftest import make_token

    fetcher = PageFetcher(
        FetchPolicy(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), allowed_ports=None)
    )
    monkeypatch.setattr(registry, "page_fetcher", lambda: fetcher)
    monkeypatch.setattr(registry, "search_providers", lambda: [FakeSearch(site)])
    monkeypatch.setattr(start, "web_search_available", lambda settings=None: True)
    with httpx.Client(
        base_url=target.base_url, headers={"Authorization": f"Bearer {make_token()}"}, timeout=60
    ) as http:
        conversation = http.post("/api/conversations", json={}).json()
        started = http.post(
            f"/api/conversations/{conversation['id']}/messages?wait=true",
            json={"content": QUESTION, "toggle": "deep_research"},
        ).json()
        assert started["agent_type"] == "deep_research" and started["status"] in ("streaming", "completed")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            items = http.get(f"/api/conversations/{conversation['id']}/messages").json()["items"]
            if items[-1]["status"] == "completed":
                break
            time.sleep(0.2)
    assert items[-1]["content"].startswith("[오프라인 모드]") and items[-1]["metadata"]["citations"]
