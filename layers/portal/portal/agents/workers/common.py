"""What every worker needs from a turn: the conversation as model messages, a usable model preference."""

from __future__ import annotations

from portal.agents.runner import WorkerContext
from portal.llm.base import ChatMessage
from portal.llm.catalog import all_models


def history_messages(ctx: WorkerContext) -> list[ChatMessage]:
    """Earlier completed messages as the model sees them."""
    return [
        ChatMessage(role=m.role, content=m.content)
        for m in ctx.history
        if m.role in ("user", "assistant") and m.content.strip()
    ]


def known_model(key: object) -> str | None:
    """A model key that is still in the catalog (saved preferences outlive retired models)."""
    return key if isinstance(key, str) and any(m.key == key for m in all_models()) else None
