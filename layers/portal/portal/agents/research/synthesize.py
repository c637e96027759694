"""Synthesize step: the cited report, streamed to the user's sockets and stored as the turn's answer.

It replaces the "streaming" placeholder the deep_research worker stored, sends `done`, and
is idempotent: a retried task whose report is already stored only announces it again.
Without a real model the report is an honest compilation of what was found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from portal import services
from portal.agents.completion import FinalAnswer, complete_turn, ended_answer
from portal.agents.research import progress, store
from portal.agents.research.findings import Findings, FindingSummary
from portal.agents.research.llm import real_chain, usage_of
from portal.agents.research.models import GapReport, SearchPlan, StepUsage
from portal.agents.research.prompts import REPORT_SYSTEM
from portal.agents.turn import RouteDecision, TurnInput, WorkerResult
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import messages
from portal.errors import NotFound
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.model_choice import TaskType
from portal.llm.operator_notes import connect_model_note
from portal.llm.service import AllModelsFailed, StreamedAnswer, stream_answer
from portal.observability import MetricName, emit_model_usage, emit_turn, logger, metrics
from portal.search import citations
from portal.search.citations import Source
from portal.settings import get_settings

EXCERPT_CHARS = 1_500  # of each source, in the report prompt
REPORT_MAX_TOKENS = 4_096
SUGGEST_AGENTS_ABOVE = 0.7  # the plan's recommended agent is suggested above this confidence


def select_sources(findings: list[Findings], *, limit: int) -> list[Source]:
    """Up to `limit` distinct sources, taken in turn from each query so every query is represented."""
    queues: list[list[Source]] = []
    for f in findings:
        queue = [
            Source(
                index=0,
                title=w.title,
                url=w.url,
                snippet=w.snippet,
                excerpt=w.excerpt[:EXCERPT_CHARS],
                published_at=w.published_at,
            )
            for w in sorted(f.web, key=lambda w: not w.excerpt)  # pages that were read first
        ]
        queue += [
            Source(
                index=0,
                title=p.filename + (f" (p.{p.page})" if p.page else ""),
                kind="file",
                file_id=p.file_id,
                excerpt=p.text[:EXCERPT_CHARS],
            )
            for p in f.files
        ]
        queues.append(queue)
    chosen: list[Source] = []
    seen: set[str] = set()
    while len(chosen) < limit and any(queues):
        for queue in queues:
            while queue:
                source = queue.pop(0)
                key = (source.url or "").rstrip("/") or f"file:{source.file_id}:{source.excerpt[:80]}"
                if key not in seen:
                    seen.add(key)
                    chosen.append(source.model_copy(update={"index": len(chosen) + 1}))
                    break
            if len(chosen) >= limit:
                break
    return chosen


def open_gaps(plan: SearchPlan, gaps: GapReport) -> list[str]:
    """What the plan left open and what the gap analysis found, without repeats."""
    return list(dict.fromkeys([*plan.info_gaps, *gaps.info_gaps]))


def _query_lines(findings: list[Findings], korean: bool) -> list[str]:
    lines = []
    for f in findings:
        if korean:
            web = {
                "ok": f"웹 {len(f.web)}건 ({f.provider})",
                "empty": "웹 결과 없음",
                "failed": "웹 검색 실패",
                "not_configured": "웹 검색 미설정",
            }[f.web_status]
            files = {
                "ok": f"파일 {len(f.files)}건",
                "empty": "파일 결과 없음",
                "failed": "파일 검색 실패",
                "not_available": "파일 검색 사용 불가",
            }[f.files_status]
        else:
            web = {
                "ok": f"web: {len(f.web)} ({f.provider})",
                "empty": "web: nothing",
                "failed": "web: failed",
                "not_configured": "web: not configured",
            }[f.web_status]
            files = {
                "ok": f"files: {len(f.files)}",
                "empty": "files: nothing",
                "failed": "files: failed",
                "not_available": "files: not available",
            }[f.files_status]
        lines.append(f"- ‘{f.query}’: {web}, {files}")
    return lines


def compiled_report(
    question: str,
    plan: SearchPlan,
    gaps: GapReport,
    findings: list[Findings],
    sources: list[Source],
    *,
    reason: str,
    admin: bool = False,
) -> str:
    """The report without a model: the plan, what each query found, and the sources with URLs.

    `reason` is "offline" (no model configured), "model_failed" or "nothing_found". How to
    connect a model (keys, settings) is said to admins only.
    """
    korean = is_korean(question)
    queries = " · ".join(plan.queries + gaps.queries)
    if korean:
        head = {
            "offline": "[오프라인 모드] 연결된 언어 모델이 없어 자료를 분석·종합하지 못했습니다. "
            "아래는 AI가 작성한 보고서가 아니라 심층 리서치가 수집한 자료를 정리한 것입니다.",
            "model_failed": "[자료 목록만 제공] 언어 모델이 응답하지 않아 보고서를 작성하지 못했습니다. "
            "아래는 심층 리서치가 수집한 자료입니다.",
            "nothing_found": "심층 리서치를 진행했지만 보고서의 근거가 될 자료를 찾지 못했습니다.",
        }[reason]
        parts = [head, "", "## 조사 계획", f"- 질문의 의도: {plan.intent}", f"- 검색어: {queries}"]
        if open_gaps(plan, gaps):
            parts.append("- 확인이 필요한 부분: " + "; ".join(open_gaps(plan, gaps)))
        parts += ["", "## 검색별 결과", *_query_lines(findings, korean)]
        if sources:
            parts += ["", f"## 수집한 자료 ({len(sources)}건)"]
    else:
        head = {
            "offline": "[Offline mode] No language model is configured, so the findings are not analysed. "
            "This is a compilation of what the research found, not an AI-written report.",
            "model_failed": "[Findings only] The language model did not respond, so no report was written. "
            "These are the sources the research found.",
            "nothing_found": "The research found no sources to base a report on.",
        }[reason]
        parts = [head, "", "## Research plan", f"- Intent: {plan.intent}", f"- Queries: {queries}"]
        if open_gaps(plan, gaps):
            parts.append("- Open questions: " + "; ".join(open_gaps(plan, gaps)))
        parts += ["", "## Results per query", *_query_lines(findings, korean)]
        if sources:
            parts += ["", f"## Sources ({len(sources)})"]
    for s in sources:
        where = s.url or ("업로드한 파일" if korean else "your uploaded file")
        body = (s.excerpt or s.snippet)[:300].replace("\n", " ")
        parts.append(f"[{s.index}] {s.title}\n    {where}" + (f"\n    {body}" if body else ""))
    if reason != "nothing_found":
        parts += ["", connect_model_note(korean=korean, admin=admin)]
    return "\n".join(parts)


def _model_report(
    question: str,
    plan: SearchPlan,
    gaps: GapReport,
    sources: list[Source],
    *,
    preferred: str | None,
    write: Callable[[str], None],
) -> StreamedAnswer | None:
    """Stream the model's report; None when no real model is configured (or all failed before writing)."""
    system = REPORT_SYSTEM.format(
        today=datetime.now(UTC).date().isoformat(),
        intent=plan.intent,
        queries=" · ".join(plan.queries + gaps.queries),
        gaps="; ".join(open_gaps(plan, gaps)) or "(none)",
        sources=citations.prompt_block(sources, excerpt_chars=EXCERPT_CHARS),
    )
    chain = real_chain(
        TaskType.COMPLEX_ANALYSIS, preferred=preferred, context_tokens=(len(system) + len(question)) // 3
    )
    if not chain:
        return None
    emitted: list[str] = []

    def on_text(text: str) -> None:
        emitted.append(text)
        write(text)

    request = ModelRequest(
        model_id="",
        messages=(ChatMessage(role="user", content=question),),
        system=system,
        max_tokens=REPORT_MAX_TOKENS,
    )
    try:
        result = stream_answer(chain, request, on_text, korean=is_korean(question))
    except AllModelsFailed:
        if emitted:
            raise
        logger.warning("every model failed; compiling the report without one")
        return None
    return result


def _suggestion(plan: SearchPlan) -> dict[str, Any] | None:
    if plan.recommended_agent in ("deep_research", "web_search", "general"):
        return None
    if plan.recommended_confidence < SUGGEST_AGENTS_ABOVE:
        return None
    return {"agent": plan.recommended_agent, "reason": plan.recommended_reason}


@dataclass
class _Report:
    """The report as streamed and stored, and what produced it."""

    text: str
    cited: list[dict[str, Any]]
    answered_by: str  # model | offline | model_failed | nothing_found
    usage: StepUsage
    model_key: str | None = None
    model_name: str | None = None
    fallbacks: list[dict[str, str]] = field(default_factory=list)


def _write_report(
    turn: TurnInput,
    question: str,
    plan: SearchPlan,
    gaps: GapReport,
    findings: list[Findings],
    sources: list[Source],
    write: Callable[[str], None],
) -> _Report:
    """Stream the model's cited report, or (no sources, no model, every model failed) the compiled one."""
    korean = is_korean(question)
    usage = plan.usage.plus(gaps.usage)
    produced = (
        _model_report(question, plan, gaps, sources, preferred=turn.options.model, write=write)
        if sources
        else None
    )
    if produced is not None:
        cited = citations.citations_for(produced.text, sources)
        tail = citations.footer(cited, korean=korean)
        write(tail)
        return _Report(
            text=produced.text + tail,
            cited=cited,
            answered_by="model",
            usage=usage.plus(usage_of(produced)),
            model_key=produced.model.key,
            model_name=produced.model.display_name,
            fallbacks=produced.fallbacks,
        )
    reason = (
        "nothing_found"
        if not sources
        else ("offline" if not real_chain(TaskType.COMPLEX_ANALYSIS) else "model_failed")
    )
    # The user is read only on this path: operator detail (model keys) is for admins. Imported
    # here too: a report written by a model never reads it (cold starts, #14).
    from portal.agents.user_context import load_user_context

    admin = reason != "nothing_found" and load_user_context(services.db(), empno=turn.empno).is_admin
    text = compiled_report(question, plan, gaps, findings, sources, reason=reason, admin=admin)
    write(text)
    return _Report(text=text, cited=[s.citation() for s in sources], answered_by=reason, usage=usage)


def _metadata(
    route: RouteDecision,
    plan: SearchPlan,
    gaps: GapReport,
    summaries: list[FindingSummary],
    report: _Report,
) -> dict[str, Any]:
    """What the stored answer carries besides its text: route, citations, how the research went."""
    metadata: dict[str, Any] = {
        "route": route.model_dump(exclude_none=True),
        "citations": report.cited,
        "research": {
            "status": "completed",
            "answered_by": report.answered_by,
            "intent": plan.intent,
            "context": plan.context,
            "queries": plan.queries,
            "followup_queries": gaps.queries,
            "info_gaps": open_gaps(plan, gaps),
            "planned_by": plan.planned_by,
            "analysed_by": gaps.analysed_by,
            "recommended_agent": plan.recommended_agent,
            "per_query": [
                s.model_dump(
                    include={"query", "round", "web", "files", "web_status", "files_status", "error"}
                )
                for s in summaries
            ],
        },
    }
    if report.model_name:
        metadata["model_name"] = report.model_name
    if report.fallbacks:
        metadata["fallbacks"] = report.fallbacks
    if suggestion := _suggestion(plan):
        metadata["suggestion"] = suggestion
    return metadata


def synthesize_step(event: dict[str, Any]) -> dict[str, Any]:
    """The Synthesize task: write the cited report, store it as the turn's answer, send done."""
    turn = TurnInput.model_validate(event)
    route = RouteDecision.model_validate(event["route"])
    db, settings = services.db(), get_settings()
    stream = progress.continue_stream(turn)

    if (ended := ended_answer(db, stream)) is not None:
        return WorkerResult(
            message_id=ended.id, agent=route.agent, model=ended.model_used, status=ended.status
        ).model_dump()
    stored = messages.get_turn_message(db, turn_id=turn.turn_id, role="assistant")  # the placeholder
    question = messages.get_turn_message(db, turn_id=turn.turn_id, role="user")
    if question is None:
        raise NotFound(f"Turn {turn.turn_id} has no stored user message")

    plan = SearchPlan.model_validate(event["plan"])
    gaps = GapReport.model_validate(event.get("gaps") or {})
    summaries = [FindingSummary.model_validate(s) for s in (event.get("findings") or [])]
    summaries += [FindingSummary.model_validate(s) for s in (event.get("more_findings") or [])]
    findings = store.load_all(turn.turn_id, summaries)
    sources = select_sources(findings, limit=settings.research_max_sources)
    report = _write_report(turn, question.content, plan, gaps, findings, sources, stream.write)

    saved = complete_turn(
        db,
        stream,
        turn,
        FinalAnswer(
            content=report.text,
            agent=route.agent,
            model=report.model_key,
            input_tokens=report.usage.input_tokens,
            output_tokens=report.usage.output_tokens,
            cost_usd=report.usage.cost_usd,
            processing_time=_seconds_since(stored.created_at) if stored is not None else None,
            metadata=_metadata(route, plan, gaps, summaries, report),
        ),
    )
    _record_metrics(report.usage)
    logger.info(
        "research reported",
        extra={"message_id": saved.id, "sources": len(sources), "by": report.answered_by},
    )
    return WorkerResult(message_id=saved.id, agent=route.agent, model=report.model_key).model_dump()


def _seconds_since(started: datetime) -> float:
    """Seconds from the placeholder answer (research start) to now: the turn's processing time."""
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return round((datetime.now(UTC) - started).total_seconds(), 3)


def _record_metrics(usage: StepUsage) -> None:
    metrics.add_metric(name=MetricName.RESEARCH_COMPLETED, unit="Count", value=1)
    metrics.add_metric(name=MetricName.TURN_COMPLETED, unit="Count", value=1)
    emit_model_usage(
        usage.model or "none",
        agent="deep_research",
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=usage.cost_usd,
    )
    emit_turn("deep_research", usage.model or "none", failed=False)
