"""The general worker's graph: remember (recent turns, summarised when long) -> respond (streamed).

Runtime collaborators (the turn's stream, the database) travel in the run's config, not in
the state, so the state stays plain data.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.workers.prompts import is_korean
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest, collect
from portal.llm.model_choice import Priority, TaskType, choose_models, infer_task_type
from portal.llm.service import (
    StreamedAnswer,
    call_record,
    configured_providers,
    provider_model_id,
    stream_answer,
)

# Past this many characters of history, older turns are summarised instead of sent whole.
HISTORY_CHAR_BUDGET = 24_000
KEEP_RECENT_MESSAGES = 6
_CHARS_PER_TOKEN = 3


class GeneralState(TypedDict, total=False):
    """The graph's state, one field per concern."""

    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    attachments: list[str]
    system: str  # instructions personalised for the user
    priority: str  # cost | speed | quality | balanced (the user's preference)
    preferred_model: str | None  # explicit choice or preference
    summary: str | None  # summary of turns dropped from history (when long)
    summary_call: dict[str, object] | None  # accounting of the summarising call
    result: StreamedAnswer  # the streamed answer


def _stream_of(config: RunnableConfig) -> Any:
    return config["configurable"]["stream"]


def remember(state: GeneralState) -> GeneralState:
    """Keep the conversation within budget: summarise older turns with a quick model when long."""
    history = state.get("history", [])
    if sum(len(m.content) for m in history) <= HISTORY_CHAR_BUDGET:
        return {"summary": None}
    older, recent = history[:-KEEP_RECENT_MESSAGES], history[-KEEP_RECENT_MESSAGES:]
    real = configured_providers() - {"offline"}
    summary, summary_call = None, None
    if real:
        chain = choose_models(TaskType.QUICK_RESPONSE, configured_providers=real, priority=Priority.COST)
        transcript = "\n".join(f"{m.role}: {m.content[:2000]}" for m in older)
        request = ModelRequest(
            model_id=provider_model_id(chain[0]),
            messages=(ChatMessage(role="user", content=transcript),),
            system="Summarise this conversation in the user's language in at most 10 bullet points. "
            "Keep names, numbers, decisions and open questions.",
            max_tokens=600,
        )
        done = collect(service.providers()[chain[0].provider], request)
        summary, summary_call = done.text, call_record("memory_summary", chain[0], done.usage)
    # Without a real model the older turns are dropped (the offline provider cannot summarise).
    return {"history": recent, "summary": summary, "summary_call": summary_call}


def respond(state: GeneralState, config: RunnableConfig) -> GeneralState:
    """Stream the answer along the router's fallback chain."""
    messages = [*state.get("history", []), ChatMessage(role="user", content=state["question"])]
    system = state.get("system", "")
    if state.get("summary"):
        system += f"\n\nEarlier in this conversation (summary):\n{state['summary']}"
    context_tokens = (sum(len(m.content) for m in messages) + len(system)) // _CHARS_PER_TOKEN
    chain = choose_models(
        infer_task_type(state["question"], state.get("attachments", []), context_tokens=context_tokens),
        configured_providers=configured_providers(),
        context_tokens=context_tokens,
        priority=state.get("priority", Priority.BALANCED),
        preferred=state.get("preferred_model"),
    )
    request = ModelRequest(model_id="", messages=tuple(messages), system=system)
    result = stream_answer(chain, request, _stream_of(config).write, korean=is_korean(state["question"]))
    return {"result": result}


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """START -> remember -> respond -> END, compiled once per container."""
    graph = StateGraph(GeneralState)
    graph.add_node("remember", remember)
    graph.add_node("respond", respond)
    graph.add_edge(START, "remember")
    graph.add_edge("remember", "respond")
    graph.add_edge("respond", END)
    return graph.compile()
