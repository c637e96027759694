"""The general worker: a conversation with memory, personalised with the user's profile."""

from __future__ import annotations

from portal.agents.graphs.context import TurnContext
from portal.agents.graphs.general import build_graph
from portal.agents.runner import Answer, WorkerContext
from portal.agents.workers.common import history_messages, preferred_model
from portal.realtime.stream import TurnStream


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Run the general graph for the turn; the answer streams as it is generated."""
    state = build_graph().invoke(
        {
            "question": ctx.question.content,
            "history": history_messages(ctx),
            "attachments": ctx.turn.options.attachments,
            "preferred_model": preferred_model(ctx),
        },
        context=TurnContext(stream=stream, user=ctx.user),
    )
    result = state["result"]
    return Answer(
        text=result.text,
        model=result.model.key,
        input_tokens=result.usage.input_tokens,
        output_tokens=result.usage.output_tokens,
        cost_usd=result.cost_usd,
        side_calls=[state["summary_call"]] if state.get("summary_call") else [],
        metadata={
            "model_name": result.model.display_name,
            **({"fallbacks": result.fallbacks} if result.fallbacks else {}),
            **({"memory": "summarised"} if state.get("summary") else {}),
        },
    )
