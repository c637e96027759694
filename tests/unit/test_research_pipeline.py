"""Deep research steps as pure functions: the rules plan, JSON replies, source selection, the compiled report,
and what each research function imports at cold start."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from portal.agents.research.findings import FilePassage, Findings, WebFinding
from portal.agents.research.llm import parse_json_object, strings
from portal.agents.research.models import GapReport, SearchPlan
from portal.agents.research.plan import keywords, rules_gaps, rules_intent, rules_queries
from portal.agents.research.synthesize import compiled_report, select_sources

REPO = Path(__file__).resolve().parents[2]


# --- the rules plan (no model) ------------------------------------------------------------------


def test_keywords_drop_particles_and_request_phrases() -> None:
    assert keywords("부가세의 신고 기한을 알려줘") == ["부가세", "신고", "기한"]


def test_the_question_itself_is_always_the_first_query() -> None:
    question = "클라우드 비용 절감 방법과 AWS와 Azure 비교"
    queries = rules_queries(question, max_queries=5)
    assert queries[0] == question and queries[1] == "클라우드 비용 절감 방법 AWS Azure 비교"


def test_a_recency_question_without_a_year_gets_a_dated_variant() -> None:
    queries = rules_queries("국내 생성형 AI 시장 최신 동향", max_queries=5)
    assert any(q.endswith(str(datetime.now(UTC).year)) for q in queries)
    assert not any(
        q.endswith(str(datetime.now(UTC).year))
        for q in rules_queries("2024년 AI 시장 최신 동향", max_queries=5)
    )


def test_queries_are_distinct_and_capped() -> None:
    assert rules_queries("VAT", max_queries=5) == ["VAT"]
    assert len(rules_queries("최신 부가세 신고 기한 개정 내용", max_queries=2)) == 2


def test_intent_and_gaps_read_the_question() -> None:
    assert rules_intent("AWS와 Azure 비교") == "여러 대상을 비교·분석"
    assert rules_intent("How to file VAT in Korea") == "find out how to do something"
    assert any("시행일" in g for g in rules_gaps("부가세 신고 기한"))
    assert rules_gaps("고양이 사진 찍는 요령") == []


# --- model replies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        '{"queries": ["a"]}',
        '```json\n{"queries": ["a"]}\n```',
        'Here is the plan:\n{"queries": ["a"]}\nThanks',
    ],
)
def test_json_objects_are_read_from_model_replies(reply: str) -> None:
    assert parse_json_object(reply) == {"queries": ["a"]}


@pytest.mark.parametrize("reply", ["no json here", "[1, 2]", "{broken", ""])
def test_replies_without_a_json_object_are_none(reply: str) -> None:
    assert parse_json_object(reply) is None


def test_string_lists_from_models_are_cleaned_deduplicated_and_capped() -> None:
    assert strings(["  a  b ", "A B", "", 3, "c", "d"], limit=2) == ["a b", "c"]
    assert strings("not a list", limit=3) == []


# --- sources and the compiled report ----------------------------------------------------------------


def _findings(query: str, index: int, *urls: str, files: int = 0) -> Findings:
    return Findings(
        query=query,
        round=1,
        index=index,
        web_status="ok" if urls else "empty",
        provider="tavily",
        web=[
            WebFinding(title=f"{query} {u}", url=u, snippet="snippet", excerpt="read" if i == 1 else "")
            for i, u in enumerate(urls)
        ],
        files_status="ok" if files else "not_available",
        files=[
            FilePassage(file_id=f"f{n}", filename=f"보고서{n}.pdf", text=f"passage {n}", page=n + 1)
            for n in range(files)
        ],
    )


def test_sources_are_taken_in_turn_from_each_query_and_numbered() -> None:
    found = [
        _findings("q1", 0, "https://a/1", "https://a/2", "https://a/3"),
        _findings("q2", 1, "https://b/1"),
    ]
    sources = select_sources(found, limit=3)
    assert [s.index for s in sources] == [1, 2, 3]
    assert [s.url for s in sources] == ["https://a/2", "https://b/1", "https://a/1"]  # read pages first


def test_the_same_url_found_by_two_queries_is_one_source() -> None:
    found = [_findings("q1", 0, "https://same/"), _findings("q2", 1, "https://same")]
    assert len(select_sources(found, limit=10)) == 1


def test_file_passages_are_sources_with_their_file() -> None:
    (source,) = select_sources([_findings("q", 0, files=1)], limit=5)
    assert source.kind == "file" and source.file_id == "f0" and source.title == "보고서0.pdf (p.1)"
    assert source.citation()["file_id"] == "f0"


def test_the_offline_report_says_so_and_lists_every_source_with_its_url() -> None:
    plan = SearchPlan(intent="사실 확인", queries=["q1", "q2"], info_gaps=["기준 시점"])
    found = [_findings("q1", 0, "https://a/1"), _findings("q2", 1)]
    sources = select_sources(found, limit=5)
    text = compiled_report("부가세 기한?", plan, GapReport(), found, sources, reason="offline")
    assert text.startswith("[오프라인 모드]")
    assert "https://a/1" in text and "‘q2’: 웹 결과 없음" in text and "기준 시점" in text
    # How to connect a model is operator detail: an employee is told whom to ask, an admin which keys.
    assert "ANTHROPIC_API_KEY" not in text and "관리자에게 문의해 주세요" in text
    admin = compiled_report("부가세 기한?", plan, GapReport(), found, sources, reason="offline", admin=True)
    assert "ANTHROPIC_API_KEY" in admin and "PORTAL_USE_BEDROCK" in admin


def test_a_report_with_nothing_found_says_it_plainly() -> None:
    plan = SearchPlan(intent="x", queries=["q"])
    text = compiled_report("what?", plan, GapReport(), [_findings("q", 0)], [], reason="nothing_found")
    assert text.startswith("The research found no sources")


# --- cold start: each function imports only what its step needs --------------------------------------

HEAVY = ("anthropic", "google.genai", "langgraph")


@pytest.mark.parametrize(
    ("handler", "forbidden"),
    [
        ("research_search", (*HEAVY, "portal.llm.service", "portal.agents.research.models")),
        ("research_plan", (*HEAVY, "portal.agents.research.findings")),
        ("research_gaps", HEAVY),
        ("research_synthesize", HEAVY),
        ("deep_research", (*HEAVY, "portal.llm.service")),
    ],
)
def test_research_functions_do_not_import_what_they_do_not_use(
    handler: str, forbidden: tuple[str, ...]
) -> None:
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('h', 'functions/agents/{handler}.py')\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        f"print(' '.join(m for m in {forbidden!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
