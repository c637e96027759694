"""Messages of a conversation. Turn messages are unique per (turn_id, role): re-runs are no-ops."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from portal.db.executor import Executor

Role = Literal["user", "assistant", "system"]
Status = Literal["pending", "streaming", "completed", "failed"]


class Message(BaseModel):
    id: str
    conversation_id: str
    turn_id: str | None = None
    role: Role
    content: str
    status: Status = "completed"
    metadata: dict[str, Any] = Field(default_factory=dict)
    agent_type: str | None = None
    model_used: str | None = None
    tokens_used: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    processing_time: float | None = None
    created_at: datetime


_COLUMNS = (
    "id, conversation_id, turn_id, role, content, status, metadata, agent_type, model_used, tokens_used,"
    " input_tokens, output_tokens, cost_usd, processing_time, created_at"
)


def add_user_message(
    db: Executor, *, conversation_id: str, turn_id: str, content: str, metadata: dict[str, Any]
) -> Message:
    """Store the user's message of a turn (a retried request with the same turn writes nothing new)."""
    db.execute(
        """
        INSERT INTO messages (conversation_id, turn_id, role, content, metadata)
        VALUES (:conversation_id::uuid, :turn_id::uuid, 'user', :content, :metadata::jsonb)
        ON CONFLICT (turn_id, role) WHERE turn_id IS NOT NULL DO NOTHING
        """,
        {"conversation_id": conversation_id, "turn_id": turn_id, "content": content, "metadata": metadata},
    )
    message = get_turn_message(db, turn_id=turn_id, role="user")
    assert message is not None
    return message


def save_assistant_message(
    db: Executor,
    *,
    conversation_id: str,
    turn_id: str,
    content: str,
    status: Status,
    agent_type: str | None,
    model_used: str | None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    cost_usd: float | None = None,
    processing_time: float | None = None,
    metadata: dict[str, Any] | None = None,
    message_id: str | None = None,
) -> Message:
    """Write the assistant's answer of a turn; a re-run of the turn overwrites its own row only.

    `message_id` names a new row (an id already announced to the user); an existing row keeps its id.
    """
    tokens = (
        (input_tokens or 0) + (output_tokens or 0)
        if input_tokens is not None or output_tokens is not None
        else None
    )
    row = db.fetch_one(
        f"""
        INSERT INTO messages (id, conversation_id, turn_id, role, content, status, agent_type, model_used,
                              tokens_used, input_tokens, output_tokens, cost_usd, processing_time, metadata)
        VALUES (COALESCE(:message_id::uuid, gen_random_uuid()), :conversation_id::uuid, :turn_id::uuid,
                'assistant', :content, :status, :agent_type, :model_used,
                :tokens_used, :input_tokens, :output_tokens, :cost_usd, :processing_time, :metadata::jsonb)
        ON CONFLICT (turn_id, role) WHERE turn_id IS NOT NULL DO UPDATE SET
            content = EXCLUDED.content, status = EXCLUDED.status, agent_type = EXCLUDED.agent_type,
            model_used = EXCLUDED.model_used, tokens_used = EXCLUDED.tokens_used,
            input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
            cost_usd = EXCLUDED.cost_usd, processing_time = EXCLUDED.processing_time,
            metadata = EXCLUDED.metadata
        RETURNING {_COLUMNS}
        """,
        {
            "conversation_id": conversation_id,
            "turn_id": turn_id,
            "content": content,
            "status": status,
            "agent_type": agent_type,
            "model_used": model_used,
            "tokens_used": tokens,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": cost_usd,
            "processing_time": processing_time,
            "metadata": metadata or {},
            "message_id": message_id,
        },
    )
    assert row is not None
    return Message.model_validate(row)


def get_turn_message(db: Executor, *, turn_id: str, role: Role) -> Message | None:
    """The user's or the assistant's message of a turn."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM messages WHERE turn_id = :turn_id::uuid AND role = :role",
        {"turn_id": turn_id, "role": role},
    )
    return Message.model_validate(row) if row else None


def list_for_conversation(db: Executor, *, conversation_id: str, limit: int = 200) -> list[Message]:
    """Oldest first, the order a chat is read in."""
    rows = db.fetch_all(
        f"""
        SELECT {_COLUMNS} FROM messages WHERE conversation_id = :conversation_id::uuid
        ORDER BY created_at, role DESC, id LIMIT :limit
        """,
        {"conversation_id": conversation_id, "limit": limit},
    )
    return [Message.model_validate(r) for r in rows]


def recent(
    db: Executor, *, conversation_id: str, limit: int, before_turn: str | None = None
) -> list[Message]:
    """The last `limit` completed messages before a turn, oldest first (the model's memory)."""
    rows = db.fetch_all(
        f"""
        SELECT {_COLUMNS} FROM messages
        WHERE conversation_id = :conversation_id::uuid AND status = 'completed'
          AND (:before_turn::uuid IS NULL OR turn_id IS DISTINCT FROM :before_turn::uuid)
        ORDER BY created_at DESC, role LIMIT :limit
        """,
        {"conversation_id": conversation_id, "limit": limit, "before_turn": before_turn},
    )
    return [Message.model_validate(r) for r in reversed(rows)]


def running_turns(db: Executor, *, conversation_id: str) -> list[Message]:
    """The questions of a conversation whose turn has not ended (no answer yet, or one still streaming)."""
    rows = db.fetch_all(
        f"""
        SELECT {", ".join("q." + c.strip() for c in _COLUMNS.split(","))} FROM messages q
        LEFT JOIN messages a ON a.turn_id = q.turn_id AND a.role = 'assistant'
        WHERE q.conversation_id = :conversation_id::uuid AND q.role = 'user' AND q.turn_id IS NOT NULL
          AND (a.id IS NULL OR a.status IN ('pending', 'streaming'))
        ORDER BY q.created_at
        """,
        {"conversation_id": conversation_id},
    )
    return [Message.model_validate(r) for r in rows]


def unanswered_before(
    db: Executor, *, asked_before: datetime, asked_after: datetime, limit: int
) -> list[Message]:
    """Questions asked in a window that have no answer at all (the overdue sweep's candidates)."""
    rows = db.fetch_all(
        f"""
        SELECT {", ".join("q." + c.strip() for c in _COLUMNS.split(","))} FROM messages q
        WHERE q.role = 'user' AND q.turn_id IS NOT NULL
          AND q.created_at < :asked_before AND q.created_at > :asked_after
          AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.turn_id = q.turn_id AND a.role = 'assistant')
        ORDER BY q.created_at LIMIT :limit
        """,
        {"asked_before": asked_before, "asked_after": asked_after, "limit": limit},
    )
    return [Message.model_validate(r) for r in rows]
