"""The multimodal_rag worker's graph: retrieve from the user's files -> answer with page citations.

    START -> retrieve -> [found?] -> respond -> END
                             |
                             +-> nothing_found -> END

retrieve first rewrites the question into the other document language (Korean <-> English)
with one cheap model call when a model is configured (portal.rag.crosslingual).

Runtime collaborators (the turn's stream, the database, the index and the embedder) travel in
the run's config, so the state stays plain data and tests can hand in their own index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.graphs.reply import Reply
from portal.db.repositories.files import UploadedFile
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.model_choice import Priority, TaskType, choose_models
from portal.llm.service import AllModelsFailed, configured_providers, stream_answer
from portal.observability import logger
from portal.rag.crosslingual import Rewrite, rewrite_question
from portal.rag.retrieve import Passage, search

EXCERPT_CHARS = 1_500  # of each passage, in the model's prompt and the offline listing
HISTORY_MESSAGES = 6
_CHARS_PER_TOKEN = 3
_MARKER = re.compile(r"\[(\d{1,2})\]")


class RagState(TypedDict, total=False):
    """The graph's state, one field per concern."""

    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    korean: bool  # answer in Korean
    priority: str  # cost | speed | quality | balanced
    preferred_model: str | None
    empno: str  # whose files may be searched
    attachments: list[str] | None  # file ids the turn is restricted to (None: every readable file)
    waiting: list[UploadedFile]  # attached files not processed yet (said in the answer)
    top_k: int
    passages: list[Passage]  # numbered 1.. in this order
    rewrite: Rewrite  # the question in the other document language, or why there is none
    reply: Reply


def _cfg(config: RunnableConfig, key: str) -> Any:
    return config["configurable"].get(key)


def _write(config: RunnableConfig) -> Callable[[str], None]:
    return _cfg(config, "stream").write  # type: ignore[no-any-return]


def retrieve(state: RagState, config: RunnableConfig) -> RagState:
    """Hybrid search over the files the user may read (only the attached ones, when there are any)."""
    rewrite = rewrite_question(state["question"], service.providers())
    passages = search(
        _cfg(config, "db"),
        empno=state["empno"],
        question=state["question"],
        k=state.get("top_k", 6),
        file_ids=state.get("attachments"),
        index=_cfg(config, "index"),
        embedder=_cfg(config, "embedder"),
        rewrites=[rewrite.query] if rewrite.query else [],
    )
    return {"passages": passages, "rewrite": rewrite}


def _found(state: RagState) -> Literal["respond", "nothing_found"]:
    return "respond" if state.get("passages") else "nothing_found"


def _waiting_note(waiting: list[UploadedFile], korean: bool) -> str:
    if not waiting:
        return ""
    if korean:
        items = ", ".join(f"‘{f.original_name}’({_status_ko(f)})" for f in waiting)
        return f"아직 처리 중이거나 검색할 수 없는 첨부 파일이 있습니다: {items}. "
    items = ", ".join(f"“{f.original_name}” ({f.processing_status}, {f.progress}%)" for f in waiting)
    return f"Some attached files cannot be searched yet: {items}. "


def _status_ko(f: UploadedFile) -> str:
    return {
        "pending": "업로드 대기",
        "processing": f"처리 중 {f.progress}%",
        "failed": f"처리 실패: {f.status_reason or ''}".strip(),
    }.get(f.processing_status, f.processing_status)


def nothing_found(state: RagState, config: RunnableConfig) -> RagState:
    """Say plainly that the user's files hold nothing matching, and why that may be."""
    korean = state["korean"]
    note = _waiting_note(state.get("waiting", []), korean)
    if korean:
        where = "첨부한 파일" if state.get("attachments") is not None else "업로드한 파일"
        text = (
            f"{note}{where}에서 질문과 관련된 내용을 찾지 못했습니다. "
            "파일이 처리 완료(completed) 상태인지 확인하시거나, 문서에 나오는 표현으로 다시 질문해 주세요."
        )
    else:
        where = "the attached files" if state.get("attachments") is not None else "your uploaded files"
        text = (
            f"{note}Nothing in {where} matches the question. Check that the files have finished "
            "processing, or ask again using words that appear in the documents."
        )
    _write(config)(text)
    return {"reply": Reply(text=text, mode="nothing_found")}


def _where(p: Passage, korean: bool) -> str:
    where = p.name if p.page is None else (f"{p.name}, {p.page}쪽" if korean else f"{p.name}, p. {p.page}")
    source = p.source(korean=korean)
    return f"{where} ({source})" if source else where


def excerpts_block(passages: list[Passage]) -> str:
    """The numbered excerpts as the model reads them."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        head = f"[{n}] {p.name}" + (f", page {p.page}" if p.page is not None else "")
        source = p.source(korean=False)
        if source:
            head += f" (owner: {source})"
        if p.section:
            head += f" — {p.section}"
        blocks.append(f"{head}\n{p.content[:EXCERPT_CHARS]}")
    return "\n\n".join(blocks)


def citations_of(passages: list[Passage], numbers: list[int]) -> list[dict[str, object]]:
    """Citations {file_id, name, page} (with the excerpt number `ref`) for the given numbers, deduplicated."""
    out: list[dict[str, object]] = []
    seen: set[tuple[str, int | None]] = set()
    for n in numbers:
        if not 1 <= n <= len(passages):
            continue
        p = passages[n - 1]
        if (p.file_id, p.page) in seen:
            continue
        seen.add((p.file_id, p.page))
        out.append({**p.citation(), "ref": n})
    return out


def cited_numbers(text: str, count: int) -> list[int]:
    """The excerpt numbers an answer cites, in first-cited order."""
    found = [int(m) for m in _MARKER.findall(text)]
    return list(dict.fromkeys(n for n in found if 1 <= n <= count))


def respond(state: RagState, config: RunnableConfig) -> RagState:
    """Answer from the excerpts with [n] citations; without a model, list the excerpts honestly."""
    korean, write, passages = state["korean"], _write(config), state["passages"]
    system = ANSWER_SYSTEM.format(excerpts=excerpts_block(passages))
    messages = [
        *state.get("history", [])[-HISTORY_MESSAGES:],
        ChatMessage(role="user", content=state["question"]),
    ]
    context_tokens = (sum(len(m.content) for m in messages) + len(system)) // _CHARS_PER_TOKEN
    chain = [
        m
        for m in choose_models(
            TaskType.BALANCED_REASONING,
            configured_providers=configured_providers(),
            context_tokens=context_tokens,
            priority=state.get("priority") or Priority.BALANCED,
            preferred=state.get("preferred_model"),
        )
        if not m.is_offline
    ]
    note = _waiting_note(state.get("waiting", []), korean)
    if not chain:
        return {"reply": _offline_listing(state, write, note=note, model_failed=False)}
    emitted: list[str] = []

    def on_text(text: str) -> None:
        emitted.append(text)
        write(text)

    if note:
        on_text(note + "\n\n")
    request = ModelRequest(model_id="", messages=tuple(messages), system=system)
    try:
        result = stream_answer(chain, request, on_text, korean=korean)
    except AllModelsFailed:
        if len(emitted) > (1 if note else 0):
            raise  # the user saw part of an answer: the turn fails and says so
        logger.warning("every model failed; answering with the retrieved passages only")
        return {"reply": _offline_listing(state, write, note="", model_failed=True)}
    numbers = cited_numbers(result.text, len(passages))
    # An answer that cites nothing still rests on the excerpts it was given: cite them all.
    cited = citations_of(passages, numbers or list(range(1, len(passages) + 1)))
    tail = footer(cited, korean=korean)
    write(tail)
    return {
        "reply": Reply(
            text=(note + "\n\n" if note else "") + result.text + tail,
            mode="model",
            model=result.model,
            usage=result.usage,
            cost_usd=result.cost_usd,
            fallbacks=result.fallbacks,
            citations=cited,
        )
    }


def footer(citations: list[dict[str, object]], *, korean: bool) -> str:
    """The sources list appended to an answer: file and page per cited excerpt."""
    lines = ["", "", "출처:" if korean else "Sources:"]
    for c in citations:
        page = c.get("page")
        where = "" if page is None else (f", {page}쪽" if korean else f", p. {page}")
        owner = c.get("owner_name") or c.get("owner")
        workspace = c.get("workspace")
        source = ", ".join(
            str(part)
            for part in (
                owner,
                (f"워크스페이스 ‘{workspace}’" if korean else f"workspace “{workspace}”")
                if workspace
                else None,
            )
            if part
        )
        lines.append(f"[{c['ref']}] {c['name']}{where}" + (f" ({source})" if source else ""))
    return "\n".join(lines)


def _offline_listing(
    state: RagState, write: Callable[[str], None], *, note: str, model_failed: bool
) -> Reply:
    """The best passages with their file and page: useful without a model, and honest about it."""
    korean, passages = state["korean"], state["passages"]
    if korean:
        head = (
            "[문서 발췌만 제공] 언어 모델이 응답하지 않아 답변을 작성하지 못했습니다."
            if model_failed
            else "[오프라인 모드] 연결된 언어 모델이 없어 답변을 작성하지 못했습니다. "
            "아래는 AI가 작성한 답변이 아니라, 질문과 가장 관련 있는 문서 내용을 그대로 옮긴 것입니다."
        )
        intro = f"{note}업로드한 파일에서 찾은 관련 내용 ({len(passages)}건):"
        outro = (
            "실제 모델이 답하게 하려면 ANTHROPIC_API_KEY 또는 GOOGLE_API_KEY를 설정하거나, AWS에서는 "
            "PORTAL_USE_BEDROCK=true로 Bedrock의 Claude를 사용하세요."
        )
    else:
        head = (
            "[Excerpts only] The language model did not respond, so no answer was written."
            if model_failed
            else "[Offline mode] No language model is configured, so no answer was written. Below are "
            "the passages of your files that best match the question, quoted as they are."
        )
        intro = f"{note}Relevant passages from your files ({len(passages)}):"
        outro = (
            "To have a model answer, set ANTHROPIC_API_KEY or GOOGLE_API_KEY, or in AWS set "
            "PORTAL_USE_BEDROCK=true to use Claude on Bedrock."
        )
    items = []
    for n, p in enumerate(passages, start=1):
        excerpt = " ".join(p.content.split())
        if len(excerpt) > 500:
            excerpt = excerpt[:499].rstrip() + "…"
        section = f" — {p.section}" if p.section else ""
        items.append(f"[{n}] {_where(p, korean)}{section}\n{excerpt}")
    text = "\n\n".join([head, intro, *items, outro])
    write(text)
    return Reply(
        text=text, mode="offline", citations=citations_of(passages, list(range(1, len(passages) + 1)))
    )


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The multimodal_rag graph, compiled once per container."""
    graph = StateGraph(RagState)
    graph.add_node("retrieve", retrieve)
    graph.add_node("nothing_found", nothing_found)
    graph.add_node("respond", respond)
    graph.add_edge(START, "retrieve")
    graph.add_conditional_edges("retrieve", _found)
    graph.add_edge("nothing_found", END)
    graph.add_edge("respond", END)
    return graph.compile()


ANSWER_SYSTEM = """You are the company's AI assistant answering questions about the user's own uploaded files.

Rules:
- Answer only from the numbered excerpts below. Cite each statement right after it with the excerpt number in square brackets, e.g. [1] or [2][3].
- If the excerpts do not contain the answer, say so plainly; never guess or use outside knowledge for facts about the documents.
- Quote numbers, dates and names exactly as the excerpts give them.
- Answer in the language the user writes in (most users write Korean; use polite 존댓말). Be concise.

Excerpts from the user's files:
{excerpts}
"""
