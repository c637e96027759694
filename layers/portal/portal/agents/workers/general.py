"""The general worker: a conversation with memory, personalised with the user's profile."""

from __future__ import annotations

from portal.agents.graphs.general import build_graph
from portal.agents.runner import Answer, WorkerContext
from portal.agents.user_context import load_user_context
from portal.agents.workers.common import history_messages, known_model
from portal.agents.workers.prompts import general_system_prompt
from portal.db.repositories import users
from portal.llm.preference import model_choice
from portal.realtime.stream import TurnStream


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Run the general graph for the turn; the answer streams as it is generated."""
    user = users.get(ctx.db, empno=ctx.turn.empno)
    prefs = user.preferences if user else {}
    who = load_user_context(ctx.db, empno=ctx.turn.empno)
    choice = model_choice(explicit=known_model(ctx.turn.options.model), model_preference=who.model_preference)
    state = build_graph().invoke(
        {
            "question": ctx.question.content,
            "history": history_messages(ctx),
            "attachments": ctx.turn.options.attachments,
            "system": general_system_prompt(
                name=user.name_ko if user else ctx.turn.empno,
                company=user.company if user else None,
                preferences=prefs,
                profile=who.profile_summary,
            ),
            "priority": choice.priority,
            "preferred_model": choice.preferred,
        },
        config={"configurable": {"stream": stream}},
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
