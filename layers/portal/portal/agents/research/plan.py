"""Plan step: the seed's meta-search pipeline (intent + context -> queries, gaps, recommended agent).

With a real model one JSON call does the first three steps; without one (the offline
provider, or a model that fails) deterministic rules plan instead: the question itself plus
keyword variants. The agent suggestion always comes from the local classifier.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal

from portal import services
from portal.agents.classifier import UNSURE_BELOW, classify
from portal.agents.research import progress
from portal.agents.research.llm import ask_json, strings
from portal.agents.research.models import SearchPlan, StepUsage
from portal.agents.research.prompts import PLAN_SYSTEM
from portal.agents.turn import TurnInput
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import messages
from portal.db.repositories.messages import Message
from portal.errors import NotFound
from portal.search.limits import MAX_QUERY_CHARS
from portal.settings import get_settings

HISTORY_MESSAGES = 6


def _words(text: str) -> list[str]:
    """A word list written as one string (easier to read and extend than a list literal)."""
    return text.split()


# Korean particles stripped from the end of a word ("부가세의" -> "부가세"), longest first.
_PARTICLES = tuple(
    sorted(
        _words(
            "은 는 이 가 을 를 에 의 와 과 로 으로 에서 에게 께 도 만 까지 부터 이란 란 이나 나 하고 보다 처럼 에는 에서는 으로는 로는"
        ),
        key=len,
        reverse=True,
    )
)
_STOPWORDS = frozenset(
    _words(
        "알려줘 알려주세요 알려 주세요 해줘 해주세요 해 줘 뭐야 뭔가요 무엇 무엇인가요 무엇인지 어떻게 어떤 대해 대한 대해서 관련 관련된 "
        "좀 요 설명 설명해줘 설명해주세요 정리 정리해줘 정리해주세요 조사 조사해줘 조사해주세요 리서치 심층 찾아줘 찾아주세요 궁금해요 궁금합니다 "
        "있나요 있어 있는 인가요 인지 하는 하고 싶어 싶어요 please tell me about what how the a an of for and to in on is are "
        "research report find explain"
    )
)
# The rules' patterns (pattern, flags). They are compiled at their first use: with a real model
# the plan never needs them, and compiling them took ~3 ms of the Plan step's cold start, two
# thirds of it the token pattern's Hangul range (#14).
_Rule = Literal["token", "recent", "compare", "how", "why", "define", "regulated", "year"]
_RULES: dict[_Rule, tuple[str, int]] = {
    "token": (r"[0-9A-Za-z\uac00-\ud7a3][0-9A-Za-z\uac00-\ud7a3\-\.\+#&]*", 0),
    "recent": (
        r"최신|최근|현재|올해|요즘|동향|전망|트렌드|latest|recent|current|this year|trend|outlook",
        re.I,
    ),
    "compare": (r"비교|차이|장단점|\bvs\.?\b|versus|compare|difference", re.I),
    "how": (r"어떻게|방법|절차|how to|how do|steps|process", re.I),
    "why": (r"왜|이유|원인|why|cause|reason", re.I),
    "define": (r"이란|란\b|무엇|뭐야|정의|what is|what are|definition", re.I),
    "regulated": (
        r"법령|법률|법규|세법|세금|세무|규정|규제|시행령|시행규칙|과세|부가세|부가가치세|소득세|법인세|신고|"
        r"\blaws?\b|\btax|regulat|compliance",
        re.I,
    ),
    "year": (r"(?<!\d)(?:19|20)\d{2}(?!\d)", 0),
}


@cache
def _rule(name: _Rule) -> re.Pattern[str]:
    pattern, flags = _RULES[name]
    return re.compile(pattern, flags)


def _strip_particle(word: str) -> str:
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


def keywords(question: str) -> list[str]:
    """The content words of a question, in order (particles and request phrases removed)."""
    found: dict[str, str] = {}
    for raw in _rule("token").findall(question):
        word = _strip_particle(raw.strip(".-"))
        if word and word.casefold() not in _STOPWORDS and (len(word) > 1 or word.isdigit()):
            found.setdefault(word.casefold(), word)
    return list(found.values())


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def rules_queries(question: str, *, max_queries: int) -> list[str]:
    """The question itself plus keyword variants (a recency variant names the year)."""
    base = _one_line(question)
    words = keywords(question)
    candidates = [base]
    if words:
        core = " ".join(words[:8])
        candidates.append(core)
        if _rule("recent").search(question) and not _rule("year").search(question):
            candidates.append(f"{core} {datetime.now(UTC).year}")
        if _rule("regulated").search(question):
            candidates.append(f"{core} {'개정 시행일' if is_korean(question) else 'latest amendment'}")
    unique: dict[str, str] = {}
    for q in candidates:
        if q.strip():
            unique.setdefault(q.casefold(), q)
    return list(unique.values())[:max_queries]


def rules_intent(question: str) -> str:
    """A one-line reading of what the question asks for."""
    korean = is_korean(question)
    if _rule("compare").search(question):
        return "여러 대상을 비교·분석" if korean else "compare several options"
    if _rule("how").search(question):
        return "방법과 절차를 확인" if korean else "find out how to do something"
    if _rule("why").search(question):
        return "원인과 배경을 설명" if korean else "explain causes and background"
    if _rule("recent").search(question):
        return "최신 동향과 현황을 파악" if korean else "understand the latest developments"
    if _rule("define").search(question):
        return "개념과 정의를 확인" if korean else "understand a concept"
    return "관련 사실과 자료를 수집·정리" if korean else "gather and organise the relevant facts"


def rules_gaps(question: str) -> list[str]:
    """What the question leaves open that the sources must settle."""
    korean, gaps = is_korean(question), []
    if _rule("recent").search(question) and not _rule("year").search(question):
        gaps.append(
            "기준 시점(연도)이 명시되지 않아 최신 자료인지 확인 필요"
            if korean
            else "no time frame given: check sources are current"
        )
    if _rule("compare").search(question):
        gaps.append(
            "비교 대상별로 같은 기준의 자료가 필요"
            if korean
            else "each option needs figures on the same basis"
        )
    if _rule("regulated").search(question):
        gaps.append(
            "법령·규정은 개정될 수 있어 시행일과 적용 대상 확인 필요"
            if korean
            else "rules change: check effective dates and scope"
        )
    return gaps


def _context(history: list[Message]) -> str:
    earlier = [m for m in history if m.role == "user"]
    return f"이전 질문: {_one_line(earlier[-1].content)[:150]}" if earlier else ""


def _recommend(question: str, attachments: list[str]) -> dict[str, Any]:
    guess = classify(question, attachments=attachments)
    if guess.confidence < UNSURE_BELOW:
        return {"recommended_agent": "deep_research", "recommended_reason": "", "recommended_confidence": 0.0}
    return {
        "recommended_agent": guess.agent,
        "recommended_reason": guess.reason,
        "recommended_confidence": round(guess.confidence, 3),
    }


def make_plan(
    question: str, history: list[Message], *, attachments: list[str], max_queries: int
) -> SearchPlan:
    """The research plan for a question (model when available, rules otherwise)."""
    recommendation = _recommend(question, attachments)
    transcript = "\n".join(f"{m.role}: {_one_line(m.content)[:600]}" for m in history[-HISTORY_MESSAGES:])
    reply = ask_json(
        PLAN_SYSTEM.format(min_queries=min(3, max_queries), max_queries=max_queries),
        f"Recent conversation:\n{transcript or '(none)'}\n\nQuestion:\n{question}",
        korean=is_korean(question),
    )
    if reply is not None and reply.data is not None:
        queries = [_one_line(q) for q in strings(reply.data.get("queries"), limit=max_queries)]
        if queries:
            return SearchPlan(
                intent=str(reply.data.get("intent") or rules_intent(question))[:300],
                context=str(reply.data.get("context") or "")[:500],
                queries=queries,
                info_gaps=strings(reply.data.get("info_gaps"), limit=6),
                planned_by="model",
                usage=reply.usage,
                **recommendation,
            )
    return SearchPlan(
        intent=rules_intent(question),
        context=_context(history),
        queries=rules_queries(question, max_queries=max_queries),
        info_gaps=rules_gaps(question),
        planned_by="rules",
        usage=reply.usage if reply is not None else StepUsage(),
        **recommendation,
    )


def progress_note(plan: SearchPlan, *, korean: bool) -> str:
    """The line the user sees while the searches run."""
    listed = " · ".join(plan.queries)
    if korean:
        return f"조사 계획: {plan.intent}\n검색어: {listed}\n"
    return f"Research plan: {plan.intent}\nQueries: {listed}\n"


def plan_step(event: dict[str, Any]) -> dict[str, Any]:
    """The Plan task: read the turn, plan, tell the user, return the plan into the state."""
    turn = TurnInput.model_validate(event)
    db = services.db()
    question = messages.get_turn_message(db, turn_id=turn.turn_id, role="user")
    if question is None:
        raise NotFound(f"Turn {turn.turn_id} has no stored user message")
    history = messages.recent(
        db, conversation_id=turn.conversation_id, limit=HISTORY_MESSAGES, before_turn=turn.turn_id
    )
    plan = make_plan(
        question.content,
        history,
        attachments=turn.options.attachments,
        max_queries=get_settings().research_max_queries,
    )
    progress.say(turn, progress_note(plan, korean=is_korean(question.content)))
    return plan.model_dump()
