"""The multimodal_rag worker: answers from the user's uploaded files, citing file and page."""

from __future__ import annotations

from typing import Any

from portal.agents.graphs.multimodal_rag import build_graph
from portal.agents.runner import Answer, WorkerContext
from portal.agents.user_context import load_user_context
from portal.agents.workers.common import history_messages, known_model
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import files, users
from portal.llm.preference import model_choice
from portal.rag.embed import get_embedder
from portal.rag.index import get_index
from portal.rag.retrieve import valid_file_ids
from portal.realtime.stream import TurnStream


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Retrieve passages (from the attached files when the turn has any) and stream a cited answer."""
    user = users.get(ctx.db, empno=ctx.turn.empno)
    who = load_user_context(ctx.db, empno=ctx.turn.empno)
    choice = model_choice(explicit=known_model(ctx.turn.options.model), model_preference=who.model_preference)
    company_code = user.company_code if user else None
    attachments: list[str] | None = None
    waiting = []
    attached_ids = valid_file_ids(ctx.turn.options.attachments)
    if attached_ids:
        readable = [
            f
            for f in (
                files.get_readable(ctx.db, file_id=i, empno=ctx.turn.empno, company_code=company_code)
                for i in attached_ids
            )
            if f is not None
        ]
        attachments = [f.id for f in readable if f.processing_status == "completed"]
        waiting = [f for f in readable if f.processing_status != "completed"]
    state = build_graph().invoke(
        {
            "question": ctx.question.content,
            "history": history_messages(ctx),
            "korean": is_korean(ctx.question.content),
            "priority": choice.priority,
            "preferred_model": choice.preferred,
            "empno": ctx.turn.empno,
            "attachments": attachments,
            "waiting": waiting,
            "top_k": ctx.settings.rag_top_k,
        },
        config={
            "configurable": {
                "stream": stream,
                "db": ctx.db,
                "index": get_index(ctx.db, ctx.settings),
                "embedder": get_embedder(ctx.settings),
            }
        },
    )
    reply = state["reply"]
    passages = state.get("passages", [])
    retrieval: dict[str, Any] = {
        "answered_by": reply.mode,
        "scope": "attachments" if attachments is not None else "readable_files",
        "passages": [
            {"file_id": p.file_id, "page": p.page, "chunk": p.chunk_index, "score": round(p.score, 5)}
            for p in passages
        ],
    }
    rewrite = state.get("rewrite")
    if rewrite is not None:
        retrieval["cross_lingual"] = rewrite.metadata()
    if waiting:
        retrieval["not_ready"] = [{"file_id": f.id, "status": f.processing_status} for f in waiting]
    metadata: dict[str, Any] = {"citations": reply.citations, "retrieval": retrieval}
    if reply.model is not None:
        metadata["model_name"] = reply.model.display_name
    if reply.fallbacks:
        metadata["fallbacks"] = reply.fallbacks
    return Answer(
        text=reply.text,
        model=reply.model.key if reply.model else None,  # None: no model wrote it (offline listing)
        input_tokens=reply.usage.input_tokens,
        output_tokens=reply.usage.output_tokens,
        cost_usd=reply.cost_usd,
        metadata=metadata,
        # The rewrite is paid for like any call of the turn (the runner adds it to the cost).
        side_calls=[rewrite.call] if rewrite is not None and rewrite.call else [],
    )
