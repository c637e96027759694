"""The general graph's nodes: keep the history within budget, then stream the answer."""

from __future__ import annotations

from langgraph.runtime import Runtime

from portal.agents.graphs.context import TurnContext
from portal.agents.graphs.general.prompts import SUMMARY_SYSTEM, general_system_prompt, with_summary
from portal.agents.graphs.general.state import GeneralState
from portal.agents.workers.prompts import is_korean
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest, collect
from portal.llm.model_choice import Priority, TaskType, choose_models, infer_task_type
from portal.llm.service import call_record, configured_providers, provider_model_id, stream_answer

# Past this many characters of history, older turns are summarised instead of sent whole.
HISTORY_CHAR_BUDGET = 24_000
KEEP_RECENT_MESSAGES = 6
_CHARS_PER_TOKEN = 3


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
            system=SUMMARY_SYSTEM,
            max_tokens=600,
        )
        done = collect(service.providers()[chain[0].provider], request)
        summary, summary_call = done.text, call_record("memory_summary", chain[0], done.usage)
    # Without a real model the older turns are dropped (the offline provider cannot summarise).
    return {"history": recent, "summary": summary, "summary_call": summary_call}


def respond(state: GeneralState, runtime: Runtime[TurnContext]) -> GeneralState:
    """Stream the answer along the model-choice fallback chain."""
    ctx = runtime.context
    messages = [*state.get("history", []), ChatMessage(role="user", content=state["question"])]
    system = with_summary(general_system_prompt(ctx.user), state.get("summary"))
    context_tokens = (sum(len(m.content) for m in messages) + len(system)) // _CHARS_PER_TOKEN
    chain = choose_models(
        infer_task_type(state["question"], state.get("attachments", []), context_tokens=context_tokens),
        configured_providers=configured_providers(),
        context_tokens=context_tokens,
        priority=ctx.user.priority,
        preferred=state.get("preferred_model"),
    )
    request = ModelRequest(model_id="", messages=tuple(messages), system=system, operator_detail=ctx.is_admin)
    result = stream_answer(chain, request, ctx.write, korean=is_korean(state["question"]))
    return {"result": result}
