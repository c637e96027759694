"""The multimodal_rag worker: answers from the user's uploaded files, citing file and page."""

from __future__ import annotations

from typing import Any

from portal.agents.graphs.multimodal_rag import build_graph
from portal.agents.graphs.multimodal_rag.context import RagContext
from portal.agents.graphs.reply import Reply
from portal.agents.runner import Answer, WorkerContext
from portal.agents.workers.common import history_messages, preferred_model
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import files
from portal.db.repositories.files import UploadedFile
from portal.rag.embed import get_embedder
from portal.rag.index import get_index
from portal.rag.retrieve import valid_file_ids
from portal.realtime.stream import TurnStream


def attached_files(ctx: WorkerContext) -> tuple[list[str] | None, list[UploadedFile]]:
    """(ids of the attached files ready to search, attached files not ready); (None, []) without attachments."""
    attached_ids = valid_file_ids(ctx.turn.options.attachments)
    if not attached_ids:
        return None, []
    found = (
        files.get_readable(ctx.db, file_id=i, empno=ctx.user.user_id, company_code=ctx.user.company_code)
        for i in attached_ids
    )
    readable = [f for f in found if f is not None]
    ready = [f.id for f in readable if f.processing_status == "completed"]
    return ready, [f for f in readable if f.processing_status != "completed"]


def retrieval_metadata(
    state: dict[str, Any], reply: Reply, attachments: list[str] | None, waiting: list[UploadedFile]
) -> dict[str, Any]:
    """What was searched and found, stored with the answer (for citations, evaluation and support)."""
    retrieval: dict[str, Any] = {
        "answered_by": reply.mode,
        "scope": "attachments" if attachments is not None else "readable_files",
        "passages": [
            {"file_id": p.file_id, "page": p.page, "chunk": p.chunk_index, "score": round(p.score, 5)}
            for p in state.get("passages", [])
        ],
    }
    rewrite = state.get("rewrite")
    if rewrite is not None:
        retrieval["cross_lingual"] = rewrite.metadata()
    if waiting:
        retrieval["not_ready"] = [{"file_id": f.id, "status": f.processing_status} for f in waiting]
    return retrieval


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Retrieve passages (from the attached files when the turn has any) and stream a cited answer."""
    attachments, waiting = attached_files(ctx)
    state = build_graph().invoke(
        {
            "question": ctx.question.content,
            "history": history_messages(ctx),
            "korean": is_korean(ctx.question.content),
            "preferred_model": preferred_model(ctx),
            "attachments": attachments,
            "waiting": waiting,
            "top_k": ctx.settings.rag_top_k,
        },
        context=RagContext(
            stream=stream,
            user=ctx.user,
            db=ctx.db,
            index=get_index(ctx.db, ctx.settings),
            embedder=get_embedder(ctx.settings),
        ),
    )
    reply: Reply = state["reply"]
    metadata: dict[str, Any] = {
        "citations": reply.citations,
        "retrieval": retrieval_metadata(state, reply, attachments, waiting),
    }
    if reply.model is not None:
        metadata["model_name"] = reply.model.display_name
    if reply.fallbacks:
        metadata["fallbacks"] = reply.fallbacks
    rewrite = state.get("rewrite")
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
