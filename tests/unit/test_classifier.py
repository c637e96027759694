"""The rule-based router: per-agent cues, attachments, context, permissions, calibration, accuracy."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from portal.agents.classifier import AGENTS, UNSURE_BELOW, Classification, classify
from portal.agents.routing_eval import evaluate

REPO = Path(__file__).resolve().parents[2]
DEV_SET = Path(__file__).resolve().parents[3] / "shared" / "eval" / "routing-dev.jsonl"
EXTRA_SET = REPO / "tests" / "data" / "routing-extra.jsonl"

# Sentences written for these tests (not taken from the dev or extra sets).
CASES: list[tuple[str, str]] = [
    ("general", "주간 회의를 짧게 끝내는 요령 좀 알려줘"),
    ("general", "Explain the difference between a list and a set in Python."),
    ("general", "이 문장을 일본어로 번역해줘: 잘 부탁드립니다"),
    ("web_search", "오늘 코스닥 시황이랑 주요 뉴스 정리해줘"),
    ("web_search", "What's the latest news on the Bank of Korea interest rate decision?"),
    ("web_search", "지금 달러 환율이 얼마인지 검색해줘"),
    ("multimodal_rag", "내 문서들에서 채용 계획 관련 내용 찾아줘"),
    ("multimodal_rag", "Search my uploaded files for the onboarding checklist."),
    ("canvas", "캔버스에 신규 서비스 소개 문서 초안을 작성해줘"),
    ("canvas", "Create a line chart artifact of weekly signups."),
    ("canvas", "팀원들과 같이 편집할 분기 계획 문서를 만들어줘"),
    ("deep_research", "국내 전기차 충전 인프라 시장을 여러 출처로 심층 조사해줘"),
    ("deep_research", "Write a comprehensive research report on AI regulation, citing multiple sources."),
    ("regulations", "사내 규정에 따라 출장비 정산은 언제까지 해야 해?"),
    ("regulations", "취업규칙에서 휴직 신청 요건이 뭐야?"),
    ("regulations", "Does our travel policy allow premium economy on long flights?"),
    ("legal", "공급 계약서 검토해줘, 해지 조항이 불리한지 봐줘"),
    ("legal", "Is a non-compete clause enforceable for a software engineer in Korea?"),
    ("legal", "상대방이 우리 상표를 무단으로 쓰는데 소송이 가능해?"),
    ("accounting", "비품 구입비를 자산으로 처리할지 비용으로 처리할지 회계처리 기준이 뭐야?"),
    ("accounting", "How do we record depreciation for leased equipment under IFRS 16?"),
    ("accounting", "재무제표에서 감가상각누계액은 어디에 표시돼?"),
    ("tax", "부가세 예정신고 때 매입세액 공제 서류가 뭐가 필요해?"),
    ("tax", "법인세 중간예납 세액은 어떻게 계산해?"),
    ("tax", "Do we need to charge VAT on services to a Japanese client?"),
    ("tax", "연말정산 교육비 공제 대상 알려줘"),
]


@pytest.mark.parametrize(("agent", "text"), CASES)
def test_routes_korean_and_english(agent: str, text: str) -> None:
    assert classify(text).agent == agent


@pytest.mark.parametrize(
    ("text", "agent", "not_agent"),
    [
        ("법인세 신고 기한이 언제야?", "tax", "legal"),  # 법인세 is tax, not 법인/legal
        ("법인세법상 손금 인정 요건 알려줘", "tax", "legal"),
        ("계약서 검토 부탁해, 손해배상 조항 위주로", "legal", "canvas"),
        ("사내 문서 보관 기간 규정이 어떻게 돼?", "regulations", "multimodal_rag"),  # 사내 문서 != 내 문서
        ("오늘 하루 어떻게 보내면 좋을까?", "general", "web_search"),  # 오늘 alone is not news
        ("파이썬 리스트 정렬하는 법 알려줘", "general", "accounting"),  # 리스트 is not 리스 (lease)
        ("재귀 함수 예제 보여줘", "general", "regulations"),  # "예제 보여줘" does not contain 제보
        ("보고서 작성해줘, 주제는 신규 고객 유치 현황", "canvas", "deep_research"),
        ("법인카드 사용 지침상 회식비 한도가 얼마야?", "regulations", "tax"),
    ],
)
def test_negative_cues(text: str, agent: str, not_agent: str) -> None:
    result = classify(text)
    assert result.agent == agent
    assert result.agent != not_agent


@pytest.mark.parametrize(
    "text",
    [
        "워크스페이스에 누가 참여하고 있는지 알려줘",
        "우리 팀 워크스페이스는 어떤 용도로 쓰면 좋을까?",
        "Which workspace is the Q3 plan in?",
        "이 차트가 무슨 뜻이야?",
    ],
)
def test_a_mention_of_the_workspace_is_not_a_canvas_request(text: str) -> None:
    # Canvas creates an artifact: only a request to create or edit something goes there.
    assert classify(text).agent != "canvas"


def test_a_request_in_the_workspace_still_goes_to_canvas() -> None:
    assert classify("팀 워크스페이스에 주간 업무 보고서 템플릿 만들어줘").agent == "canvas"


def test_attachment_referenced_goes_to_rag() -> None:
    with_file = classify("이 계약서에서 해지 조건 부분 찾아줘", attachments=["supply.pdf"])
    without = classify("이 계약서에서 해지 조건 부분 찾아줘")
    assert with_file.agent == "multimodal_rag"
    assert "supply.pdf" in with_file.reason
    assert without.agent == "legal"


@pytest.mark.parametrize("name", ["scan.PNG", "photo.jpeg", "deck.pptx", "numbers.xlsx", "memo.docx"])
def test_attachment_extensions(name: str) -> None:
    assert classify("이거 내용 정리해줘", attachments=[name]).agent == "multimodal_rag"


def test_unreadable_attachment_gives_no_prior() -> None:
    result = classify("부가세 신고 기한 알려줘", attachments=["archive.zip"])
    assert result.agent == "tax"
    assert "attachment" not in result.reason


def test_attachment_does_not_override_a_clear_other_intent() -> None:
    assert classify("연말정산 월세 공제 요건 알려줘", attachments=["lease.pdf"]).agent == "tax"


def test_follow_up_uses_previous_agent() -> None:
    assert classify("그럼 그건 언제까지야?").agent == "general"
    follow = classify("그럼 그건 언제까지야?", previous_agent="tax")
    assert follow.agent == "tax"
    assert "follow-up of tax" in follow.reason
    assert classify("What about for contractors?", previous_agent="legal").agent == "legal"


def test_previous_agent_is_only_a_prior() -> None:
    # A clear new intent wins over the conversation's previous agent.
    assert classify("오늘 서울 날씨 어때?", previous_agent="accounting").agent == "web_search"


def test_allowed_restricts_candidates() -> None:
    text = "부가세 매입세액 공제 요건 알려줘"
    assert classify(text).agent == "tax"
    restricted = classify(text, allowed={"legal", "canvas"})
    assert restricted.agent in {"legal", "canvas", "general"}
    assert restricted.reason.startswith("tax not allowed (keywords: ")
    assert all(agent in {"legal", "canvas", "general"} for agent, _ in restricted.runners_up)


def test_general_is_always_allowed() -> None:
    result = classify("부가세 신고 기한", allowed=set())
    assert result.agent == "general"
    assert result.confidence == pytest.approx(1.0)
    assert classify("부가세 신고 기한", allowed=["tax", "nonexistent"]).agent == "tax"


def test_confidence_is_calibrated() -> None:
    strong = classify("연말정산에서 의료비 세액공제 한도와 원천징수 영수증 확인 방법 알려줘")
    assert strong.agent == "tax"
    assert strong.confidence >= 0.9
    assert not strong.unsure
    vague = classify("이거 어떻게 하는 거야?")
    assert vague.unsure
    assert vague.confidence < UNSURE_BELOW
    one_weak_cue = classify("요즘 어때?")
    assert one_weak_cue.confidence < 0.55


def test_result_shape() -> None:
    result = classify("재무제표 주석에 리스 부채를 어떻게 공시해?")
    assert isinstance(result, Classification)
    assert result.agent in AGENTS
    assert 0.0 <= result.confidence <= 1.0
    assert "→ accounting" in result.reason
    assert result.reason.startswith("keywords: ")
    probabilities = [p for _, p in result.runners_up]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(p <= result.confidence for p in probabilities)
    assert result.agent not in [agent for agent, _ in result.runners_up]
    payload = result.to_dict()
    assert json.loads(json.dumps(payload))["agent"] == "accounting"
    assert set(payload) == {"agent", "confidence", "unsure", "reason", "runners_up"}


def test_spacing_and_particles_do_not_matter() -> None:
    assert classify("사내규정상 재택근무 가능 일수는?").agent == "regulations"
    assert classify("사내 규정 상 재택 근무 가능 일수는?").agent == "regulations"
    assert classify("부가세를 환급받으려면?").agent == "tax"


def test_fast_enough() -> None:
    texts = [text for _, text in CASES]
    start = time.perf_counter()
    for _ in range(20):
        for text in texts:
            classify(text, attachments=["a.pdf"], previous_agent="tax")
    per_message = (time.perf_counter() - start) / (20 * len(texts))
    assert per_message < 0.002  # ~0.1-0.2 ms typical; generous for slow CI machines


def _accuracy(path: Path) -> float:
    with path.open(encoding="utf-8") as handle:
        return evaluate(handle).accuracy


@pytest.mark.skipif(not DEV_SET.exists(), reason=f"shared dev set not found at {DEV_SET}")
def test_dev_set_accuracy() -> None:
    assert _accuracy(DEV_SET) >= 0.9


def test_extra_set_accuracy() -> None:
    lines = EXTRA_SET.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 150
    report = evaluate(lines)
    assert report.accuracy >= 0.85
    assert set(report.per_agent_recall) == set(AGENTS)  # every agent is exercised
    # Confident answers must be the reliable ones: that is what "unsure" is for.
    assert report.sure_accuracy >= report.accuracy
