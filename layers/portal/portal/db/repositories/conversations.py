"""Conversations: owned by one user, optionally inside a workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


class Conversation(BaseModel):
    id: str
    user_empno: str
    workspace_id: str | None = None
    title: str | None = None
    context: dict[str, Any] = {}
    agent_config: dict[str, Any] = {}
    created_at: datetime
    updated_at: datetime


class VisibleConversation(Conversation):
    """A conversation in the caller's list: theirs, one in a workspace they are a member of, or
    one shared with them (by name or through a workspace)."""

    workspace_title: str | None = None
    owner_name: str | None = None
    shared: bool = False  # someone else's, read-only here


class Cursor(BaseModel):
    """Where a page of the list ends: the last item's (updated_at, id), the list's order."""

    updated_at: datetime
    id: str


# A current member of workspace w: its owner or one of its collaborators (any role), while the
# workspace is not deleted. Team/public readers are not members: their lists would otherwise
# fill with every conversation of every team workspace.
def _member_of(alias: str) -> str:
    return f"""
    {alias}.status <> 'deleted' AND (
          {alias}.owner_empno = :empno
       OR {alias}.collaborators @> jsonb_build_array(jsonb_build_object('empno', :empno::text)))
"""


_MEMBER = _member_of("w")
# Shared read-only with this user by name, or with a workspace they are a current member of
# (0007). Read on every access, so a revoked share or a removed member loses it at once.
_SHARED_WITH_ME = f"""
    EXISTS (SELECT 1 FROM conversation_shares s LEFT JOIN workspaces sw ON sw.id = s.workspace_id
            WHERE s.conversation_id = c.id
              AND (s.grantee_empno = :empno OR (sw.id IS NOT NULL AND {_member_of("sw")})))
"""

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


def list_visible(
    db: Executor, *, empno: str, limit: int = 50, after: Cursor | None = None
) -> list[VisibleConversation]:
    """The user's own conversations, those of workspaces they are a current member of and those
    shared with them, most recently active first, each with its workspace title and owner's
    name; `after` continues a previous page (keyset paging, stable while rows are added)."""
    rows = db.fetch_all(
        f"""
        SELECT c.id, c.user_empno, c.workspace_id, c.title, c.context, c.agent_config,
               c.created_at, c.updated_at, w.title AS workspace_title, o.name_ko AS owner_name,
               c.user_empno <> :empno AS shared
        FROM conversations c
        LEFT JOIN workspaces w ON w.id = c.workspace_id
        LEFT JOIN users o ON o.empno = c.user_empno
        WHERE (c.user_empno = :empno OR (w.id IS NOT NULL AND {_MEMBER}) OR {_SHARED_WITH_ME})
          AND (:after_at::timestamptz IS NULL
               OR (c.updated_at, c.id) < (:after_at::timestamptz, :after_id::uuid))
        ORDER BY c.updated_at DESC, c.id DESC LIMIT :limit
        """,
        {
            "empno": empno,
            "limit": limit,
            "after_at": after.updated_at if after else None,
            "after_id": after.id if after else None,
        },
    )
    return [VisibleConversation.model_validate(r) for r in rows]


def get_readable(db: Executor, *, conversation_id: str, empno: str) -> VisibleConversation | None:
    """The conversation if this user owns it, is a current member of its workspace or it is
    shared with them; None otherwise (callers answer 404). Membership and shares are read on
    every call, so a removed member or a revoked share loses access at once."""
    row = db.fetch_one(
        f"""
        SELECT c.id, c.user_empno, c.workspace_id, c.title, c.context, c.agent_config,
               c.created_at, c.updated_at, w.title AS workspace_title, o.name_ko AS owner_name,
               c.user_empno <> :empno AS shared
        FROM conversations c LEFT JOIN workspaces w ON w.id = c.workspace_id
        LEFT JOIN users o ON o.empno = c.user_empno
        WHERE c.id = :id::uuid
          AND (c.user_empno = :empno OR (w.id IS NOT NULL AND {_MEMBER}) OR {_SHARED_WITH_ME})
        """,
        {"id": conversation_id, "empno": empno},
    )
    return VisibleConversation.model_validate(row) if row else None


def rename_owned(db: Executor, *, conversation_id: str, user_empno: str, title: str) -> Conversation | None:
    """Set the title of the user's conversation; None when it is not theirs."""
    row = db.fetch_one(
        f"""
        UPDATE conversations SET title = :title WHERE id = :id::uuid AND user_empno = :user_empno
        RETURNING {_COLUMNS}
        """,
        {"id": conversation_id, "user_empno": user_empno, "title": title},
    )
    return Conversation.model_validate(row) if row else None


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
