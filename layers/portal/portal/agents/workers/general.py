"""The general worker: a conversation with memory, personalised with the user's profile."""

from __future__ import annotations

from portal.agents.graphs.general import build_graph
from portal.agents.runner import Answer, WorkerContext
from portal.agents.workers.prompts import general_system_prompt
from portal.db.repositories import users
from portal.llm.base import ChatMessage
from portal.llm.catalog import all_models
from portal.realtime.stream import TurnStream


def history_messages(ctx: WorkerContext) -> list[ChatMessage]:
    """Earlier completed messages as the model sees them."""
    return [
        ChatMessage(role=m.role, content=m.content)  # type: ignore[arg-type]
        for m in ctx.history
        if m.role in ("user", "assistant") and m.content.strip()
    ]


def _known_model(key: object) -> str | None:
    """A saved preference that is still in the catalog (models get retired)."""
    return key if isinstance(key, str) and any(m.key == key for m in all_models()) else None


def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
    """Run the general graph for the turn; the answer streams as it is generated."""
    user = users.get(ctx.db, empno=ctx.turn.empno)
    prefs = user.preferences if user else {}
    state = build_graph().invoke(
        {
            "question": ctx.question.content,
            "history": history_messages(ctx),
            "attachments": ctx.turn.options.attachments,
            "system": general_system_prompt(
                name=user.name_ko if user else ctx.turn.empno,
                company=user.company if user else None,
                preferences=prefs,
            ),
            "priority": prefs.get("priority", "balanced"),
            "preferred_model": ctx.turn.options.model or _known_model(prefs.get("model")),
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
        metadata={
            "model_name": result.model.display_name,
            **({"fallbacks": result.fallbacks} if result.fallbacks else {}),
            **({"memory": "summarised"} if state.get("summary") else {}),
        },
    )
