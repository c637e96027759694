"""Conversations: owned by one user, optionally inside a workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from portal.db.executor import Executor


class Conversation(BaseModel):
    id: str
    user_empno: str
    workspace_id: str | None = None
    title: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)
    agent_config: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime
    updated_at: datetime


_COLUMNS = "id, user_empno, workspace_id, title, context, agent_config, created_at, updated_at"


def create(
    db: Executor, *, user_empno: str, title: str | None, workspace_id: str | None = None
) -> Conversation:
    """A new, empty conversation."""
    row = db.fetch_one(
        f"""
        INSERT INTO conversations (user_empno, title, workspace_id)
        VALUES (:user_empno, :title, :workspace_id::uuid)
        RETURNING {_COLUMNS}
        """,
        {"user_empno": user_empno, "title": title, "workspace_id": workspace_id},
    )
    assert row is not None
    return Conversation.model_validate(row)


def get_owned(db: Executor, *, conversation_id: str, user_empno: str) -> Conversation | None:
    """The conversation if this user owns it; None otherwise (callers answer 404, never 403)."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM conversations WHERE id = :id::uuid AND user_empno = :user_empno",
        {"id": conversation_id, "user_empno": user_empno},
    )
    return Conversation.model_validate(row) if row else None


def get(db: Executor, *, conversation_id: str) -> Conversation | None:
    """Any conversation by id (workers, which run on behalf of the owner)."""
    row = db.fetch_one(f"SELECT {_COLUMNS} FROM conversations WHERE id = :id::uuid", {"id": conversation_id})
    return Conversation.model_validate(row) if row else None


def list_for_user(
    db: Executor, *, user_empno: str, limit: int = 50, before: datetime | None = None
) -> list[Conversation]:
    """Most recently active first."""
    rows = db.fetch_all(
        f"""
        SELECT {_COLUMNS} FROM conversations
        WHERE user_empno = :user_empno AND (:before::timestamptz IS NULL OR updated_at < :before::timestamptz)
        ORDER BY updated_at DESC LIMIT :limit
        """,
        {"user_empno": user_empno, "limit": limit, "before": before},
    )
    return [Conversation.model_validate(r) for r in rows]


def set_title_if_empty(db: Executor, *, conversation_id: str, title: str) -> None:
    """Name an untitled conversation after its first message."""
    db.execute(
        "UPDATE conversations SET title = :title WHERE id = :id::uuid AND (title IS NULL OR title = '')",
        {"id": conversation_id, "title": title},
    )


def touch(db: Executor, *, conversation_id: str) -> None:
    """Bump updated_at (the trigger sets it) so the list orders by activity."""
    db.execute("UPDATE conversations SET context = context WHERE id = :id::uuid", {"id": conversation_id})


def delete_owned(db: Executor, *, conversation_id: str, user_empno: str) -> bool:
    """Delete a conversation and (by cascade) its messages; False when not this user's."""
    return (
        db.execute(
            "DELETE FROM conversations WHERE id = :id::uuid AND user_empno = :user_empno",
            {"id": conversation_id, "user_empno": user_empno},
        )
        == 1
    )
