"""Gaps step: what the first round left open, and at most one more round of queries.

With a real model the gaps come from reading what was found; without one the rules report
the plan's open questions and the queries that found nothing, and plan no second round
(rules cannot tell a better query from a worse one).
"""

from __future__ import annotations

from typing import Any

from portal import services
from portal.agents.research import progress, store
from portal.agents.research.findings import Findings, FindingSummary
from portal.agents.research.llm import ask_json, strings
from portal.agents.research.models import GapReport, SearchPlan
from portal.agents.research.prompts import GAPS_SYSTEM
from portal.agents.turn import TurnInput
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import messages
from portal.errors import NotFound
from portal.search.availability import web_search_available
from portal.search.limits import MAX_QUERY_CHARS
from portal.settings import get_settings

SNIPPET_CHARS = 300
MAX_SOURCES_SHOWN = 30  # of the first round, in the gap analysis prompt


def rules_gaps(summaries: list[FindingSummary], *, korean: bool) -> list[str]:
    """Every query that found nothing (the plan's own open questions are reported with these)."""
    gaps: list[str] = []
    for s in summaries:
        if s.web == 0 and s.files == 0:
            if korean:
                gaps.append(
                    f"‘{s.query}’: 찾은 자료 없음" + (" (검색 실패)" if s.web_status == "failed" else "")
                )
            else:
                gaps.append(
                    f"“{s.query}”: nothing found" + (" (search failed)" if s.web_status == "failed" else "")
                )
    return gaps


def _found_text(findings: list[Findings]) -> str:
    lines: list[str] = []
    for f in findings:
        for w in f.web:
            lines.append(f"- [{f.query}] {w.title}: {(w.excerpt or w.snippet)[:SNIPPET_CHARS]}")
        for p in f.files:
            lines.append(f"- [{f.query}] (file {p.filename}) {p.text[:SNIPPET_CHARS]}")
    return "\n".join(lines[:MAX_SOURCES_SHOWN]) or "(nothing found)"


def analyse(
    question: str,
    plan: SearchPlan,
    summaries: list[FindingSummary],
    findings: list[Findings],
    *,
    can_search: bool,
) -> GapReport:
    """The information gaps and follow-up queries after the first round."""
    korean = is_korean(question)
    limit = get_settings().research_followup_queries
    searched = {q.casefold() for q in plan.queries}
    reply = ask_json(
        GAPS_SYSTEM.format(max_queries=limit),
        f"Question:\n{question}\n\nQueries already searched:\n"
        + "\n".join(f"- {q}" for q in plan.queries)
        + f"\n\nWhat they found:\n{_found_text(findings)}",
        korean=korean,
    )
    if reply is not None and reply.data is not None:
        queries = [
            q[:MAX_QUERY_CHARS]
            for q in strings(reply.data.get("queries"), limit=limit + len(searched))
            if q.casefold() not in searched
        ][:limit]
        return GapReport(
            info_gaps=strings(reply.data.get("info_gaps"), limit=8),
            queries=queries if can_search else [],
            analysed_by="model",
            usage=reply.usage,
        )
    return GapReport(
        info_gaps=rules_gaps(summaries, korean=korean),
        queries=[],
        analysed_by="rules",
        usage=reply.usage if reply is not None else GapReport().usage,
    )


def progress_note(report: GapReport, found: int, *, korean: bool) -> str:
    if korean:
        head = f"1차 검색에서 자료 {found}건을 모았습니다. "
        tail = f"보완 검색: {' · '.join(report.queries)}\n" if report.queries else "보고서를 작성합니다.\n"
    else:
        head = f"The first round found {found} sources. "
        tail = (
            f"Follow-up queries: {' · '.join(report.queries)}\n"
            if report.queries
            else "Writing the report.\n"
        )
    return head + tail


def gaps_step(event: dict[str, Any]) -> dict[str, Any]:
    """The Gaps task: load the first round's findings, find gaps, tell the user, return the report."""
    turn = TurnInput.model_validate(event)
    plan = SearchPlan.model_validate(event["plan"])
    summaries = [FindingSummary.model_validate(s) for s in event.get("findings") or []]
    question = messages.get_turn_message(services.db(), turn_id=turn.turn_id, role="user")
    if question is None:
        raise NotFound(f"Turn {turn.turn_id} has no stored user message")
    findings = store.load_all(turn.turn_id, summaries)
    # Whether a key is configured, not the providers themselves: building them imports httpx,
    # which only the Search step uses (cold starts, #14).
    report = analyse(question.content, plan, summaries, findings, can_search=web_search_available())
    found = sum(s.web + s.files for s in summaries)
    progress.say(turn, progress_note(report, found, korean=is_korean(question.content)))
    return report.model_dump()
