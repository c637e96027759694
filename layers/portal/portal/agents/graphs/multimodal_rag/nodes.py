"""The multimodal_rag graph's nodes (and the condition between them)."""

from __future__ import annotations

import re
from typing import Literal

from langgraph.runtime import Runtime

from portal.agents.graphs.multimodal_rag import text
from portal.agents.graphs.multimodal_rag.context import RagContext
from portal.agents.graphs.multimodal_rag.prompts import ANSWER_SYSTEM, excerpts_block
from portal.agents.graphs.multimodal_rag.state import RagState
from portal.agents.graphs.reply import Reply
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.model_choice import TaskType, choose_models
from portal.llm.service import AllModelsFailed, configured_providers, stream_answer
from portal.observability import logger
from portal.rag.crosslingual import rewrite_question
from portal.rag.retrieve import Passage, search

HISTORY_MESSAGES = 6
OFFLINE_EXCERPT_CHARS = 500
_CHARS_PER_TOKEN = 3
_MARKER = re.compile(r"\[(\d{1,2})\]")

Ctx = Runtime[RagContext]


def retrieve(state: RagState, runtime: Ctx) -> RagState:
    """Hybrid search over the files the user may read (only the attached ones, when there are any)."""
    ctx = runtime.context
    rewrite = rewrite_question(state["question"], service.providers())
    passages = search(
        ctx.db,
        empno=ctx.user.user_id,
        question=state["question"],
        k=state.get("top_k", 6),
        file_ids=state.get("attachments"),
        index=ctx.index,
        embedder=ctx.embedder,
        rewrites=[rewrite.query] if rewrite.query else [],
    )
    return {"passages": passages, "rewrite": rewrite}


def found(state: RagState) -> Literal["respond", "nothing_found"]:
    return "respond" if state.get("passages") else "nothing_found"


def _note(state: RagState, ctx: RagContext) -> str:
    return text.waiting_note(state.get("waiting", []), korean=state["korean"], admin=ctx.is_admin)


def nothing_found(state: RagState, runtime: Ctx) -> RagState:
    """Say plainly that the user's files hold nothing matching, and why that may be."""
    ctx = runtime.context
    reply = text.nothing_found(
        _note(state, ctx), attached=state.get("attachments") is not None, korean=state["korean"]
    )
    ctx.write(reply)
    return {"reply": Reply(text=reply, mode="nothing_found")}


def where(p: Passage, korean: bool) -> str:
    """A passage's file, page and owner as the user reads them."""
    place = p.name if p.page is None else (f"{p.name}, {p.page}쪽" if korean else f"{p.name}, p. {p.page}")
    source = p.source(korean=korean)
    return f"{place} ({source})" if source else place


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


def cited_numbers(answer: str, count: int) -> list[int]:
    """The excerpt numbers an answer cites, in first-cited order."""
    found_ = [int(m) for m in _MARKER.findall(answer)]
    return list(dict.fromkeys(n for n in found_ if 1 <= n <= count))


def respond(state: RagState, runtime: Ctx) -> RagState:
    """Answer from the excerpts with [n] citations; without a model, list the excerpts honestly."""
    ctx = runtime.context
    korean, write, passages = state["korean"], ctx.write, state["passages"]
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
            priority=ctx.user.priority,
            preferred=state.get("preferred_model"),
        )
        if not m.is_offline
    ]
    note = _note(state, ctx)
    if not chain:
        return {"reply": _offline_listing(state, ctx, note=note, model_failed=False)}
    emitted: list[str] = []

    def on_text(chunk: str) -> None:
        emitted.append(chunk)
        write(chunk)

    if note:
        on_text(note + "\n\n")
    request = ModelRequest(model_id="", messages=tuple(messages), system=system)
    try:
        result = stream_answer(chain, request, on_text, korean=korean)
    except AllModelsFailed:
        if len(emitted) > (1 if note else 0):
            raise  # the user saw part of an answer: the turn fails and says so
        logger.warning("every model failed; answering with the retrieved passages only")
        return {"reply": _offline_listing(state, ctx, note="", model_failed=True)}
    numbers = cited_numbers(result.text, len(passages))
    # An answer that cites nothing still rests on the excerpts it was given: cite them all.
    cited = citations_of(passages, numbers or list(range(1, len(passages) + 1)))
    tail = text.footer(cited, korean=korean)
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


def _offline_listing(state: RagState, ctx: RagContext, *, note: str, model_failed: bool) -> Reply:
    """The best passages with their file and page: useful without a model, and honest about it."""
    korean, passages = state["korean"], state["passages"]
    items = []
    for n, p in enumerate(passages, start=1):
        excerpt = " ".join(p.content.split())
        if len(excerpt) > OFFLINE_EXCERPT_CHARS:
            excerpt = excerpt[: OFFLINE_EXCERPT_CHARS - 1].rstrip() + "…"
        section = f" — {p.section}" if p.section else ""
        items.append(f"[{n}] {where(p, korean)}{section}\n{excerpt}")
    listing = text.offline_listing(note, items, korean=korean, admin=ctx.is_admin, model_failed=model_failed)
    ctx.write(listing)
    return Reply(
        text=listing, mode="offline", citations=citations_of(passages, list(range(1, len(passages) + 1)))
    )
