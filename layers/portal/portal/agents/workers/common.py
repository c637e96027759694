"""What every worker needs from a turn: the conversation as model messages, the model to prefer."""

from __future__ import annotations

from portal.agents.runner import WorkerContext
from portal.agents.user_context import known_model
from portal.llm.base import ChatMessage


def history_messages(ctx: WorkerContext) -> list[ChatMessage]:
    """Earlier completed messages as the model sees them."""
    return [
        ChatMessage(role=m.role, content=m.content)
        for m in ctx.history
        if m.role in ("user", "assistant") and m.content.strip()
    ]


def preferred_model(ctx: WorkerContext) -> str | None:
    """The model chosen for this turn, else the user's saved preference (either still in the catalog)."""
    return known_model(ctx.turn.options.model) or ctx.user.model_preference
