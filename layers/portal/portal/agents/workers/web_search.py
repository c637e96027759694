"""The web_search worker: answers from fresh web search results, citing their URLs."""

from __future__ import annotations

from portal.agents.graphs.web_search import build_graph
from portal.agents.runner import Answer, WorkerContext
from portal.agents.user_context import load_user_context
from portal.agents.workers.common import history_messages, known_model
from portal.agents.workers.prompts import is_korean
from portal.llm.preference import model_choice
from portal.realtime.stream import TurnStream
from portal.search import registry
from portal.search.registry import web_search_available

__all__ = ["answer", "web_search_available"]


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Search, read the top pages, and stream an answer with numbered citations."""
    who = load_user_context(ctx.db, empno=ctx.turn.empno)
    choice = model_choice(explicit=known_model(ctx.turn.options.model), model_preference=who.model_preference)
    settings = ctx.settings
    state = build_graph().invoke(
        {
            "question": ctx.question.content,
            "history": history_messages(ctx),
            "korean": is_korean(ctx.question.content),
            "priority": choice.priority,
            "preferred_model": choice.preferred,
        },
        config={
            "configurable": {
                "stream": stream,
                "providers": registry.search_providers(),
                "fetcher": registry.page_fetcher(),
                "max_results": settings.web_search_max_results,
                "pages": settings.web_fetch_pages,
            }
        },
    )
    reply = state["reply"]
    search: dict[str, object] = {"configured": reply.mode != "not_configured", "answered_by": reply.mode}
    if reply.mode != "not_configured":
        search.update(
            query=state["query"],
            query_rewritten=state.get("query_rewritten", False),
            provider=state.get("provider"),
            results=len(state.get("results", [])),
            pages_read=len(state.get("pages", {})),
        )
        if state.get("search_failures"):
            search["provider_failures"] = state["search_failures"]
        if state.get("fetch_failures"):
            search["fetch_failures"] = state["fetch_failures"]
    metadata: dict[str, object] = {"citations": reply.citations, "search": search}
    if reply.model is not None:
        metadata["model_name"] = reply.model.display_name
    if reply.fallbacks:
        metadata["fallbacks"] = reply.fallbacks
    return Answer(
        text=reply.text,
        model=reply.model.key if reply.model else None,
        input_tokens=reply.usage.input_tokens,
        output_tokens=reply.usage.output_tokens,
        cost_usd=reply.cost_usd,
        metadata=metadata,
    )
