"""Messages of a conversation. Turn messages are unique per (turn_id, role): re-runs are no-ops.

Turns form a tree (regenerate and edit start a sibling of an earlier turn): a turn's user message
names the turn it follows (``previous_turn_id``) and the conversation names the leaf it shows
(``conversations.current_turn_id``). What is read as "the conversation" is the path from the
root to that leaf; every other branch stays stored and reachable by switching the leaf.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from portal.db.executor import Executor

Role = Literal["user", "assistant", "system"]
Status = Literal["pending", "streaming", "completed", "failed", "stopped"]
# An answer in one of these states is final: nothing (a re-run, the failure handler, a late
# worker) writes over it. Only "pending"/"streaming" rows are updated.
ENDED: tuple[Status, ...] = ("completed", "failed", "stopped")


class Message(BaseModel):
    id: str
    conversation_id: str
    turn_id: str | None = None
    previous_turn_id: str | None = None
    role: Role
    content: str
    status: Status = "completed"
    metadata: dict[str, Any] = {}
    agent_type: str | None = None
    model_used: str | None = None
    tokens_used: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    processing_time: float | None = None
    created_at: datetime


_COLUMNS = (
    "id, conversation_id, turn_id, previous_turn_id, role, content, status, metadata, agent_type, model_used, tokens_used,"
    " input_tokens, output_tokens, cost_usd, processing_time, created_at"
)


def add_user_message(
    db: Executor,
    *,
    conversation_id: str,
    turn_id: str,
    content: str,
    metadata: dict[str, Any],
    sibling_of: str | None = None,
    title: str | None = None,
) -> Message:
    """Store the user's message of a turn (a retried request with the same turn writes nothing new).

    The turn follows the conversation's shown leaf, or with `sibling_of` (regenerate, edit) the
    same turn that one follows; either way it becomes the shown leaf, and the conversation's
    updated_at moves (its trigger), so the list orders by activity. `title` names the
    conversation when it has none yet.
    """
    # One statement, so the message and the conversation's leaf, title and activity change
    # together, in one round trip where there were five (a turn's accept waits on each, #14).
    # Every part reads the snapshot from before the insert: the new turn follows the old leaf.
    row = db.fetch_one(
        f"""
        WITH inserted AS (
            INSERT INTO messages (conversation_id, turn_id, role, content, metadata, previous_turn_id)
            SELECT :conversation_id::uuid, :turn_id::uuid, 'user', :content, :metadata::jsonb,
                CASE WHEN :sibling_of::uuid IS NOT NULL THEN
                    (SELECT s.previous_turn_id FROM messages s
                     WHERE s.turn_id = :sibling_of::uuid AND s.role = 'user')
                ELSE
                    (SELECT COALESCE(c.current_turn_id,
                        (SELECT q.turn_id FROM messages q
                         WHERE q.conversation_id = c.id AND q.role = 'user' AND q.turn_id IS NOT NULL
                         ORDER BY q.created_at DESC, q.id DESC LIMIT 1))
                     FROM conversations c WHERE c.id = :conversation_id::uuid)
                END
            ON CONFLICT (turn_id, role) WHERE turn_id IS NOT NULL DO NOTHING
            RETURNING {_COLUMNS}
        ), shown AS (
            UPDATE conversations SET current_turn_id = :turn_id::uuid,
                title = CASE WHEN (title IS NULL OR title = '') AND :title::text IS NOT NULL
                    THEN :title::text ELSE title END
            WHERE id = :conversation_id::uuid AND EXISTS (SELECT 1 FROM inserted)
        )
        SELECT {_COLUMNS} FROM inserted
        UNION ALL
        SELECT {_COLUMNS} FROM messages
        WHERE turn_id = :turn_id::uuid AND role = 'user' AND NOT EXISTS (SELECT 1 FROM inserted)
        """,
        {
            "conversation_id": conversation_id,
            "turn_id": turn_id,
            "content": content,
            "metadata": metadata,
            "sibling_of": sibling_of,
            "title": title,
        },
    )
    if row is not None:
        return Message.model_validate(row)
    # A concurrent retry of the same turn committed its row after this statement's snapshot.
    message = get_turn_message(db, turn_id=turn_id, role="user")
    assert message is not None
    return message


def set_current_turn(db: Executor, *, conversation_id: str, turn_id: str) -> None:
    """Show the branch that ends at this turn."""
    db.execute(
        "UPDATE conversations SET current_turn_id = :turn_id::uuid WHERE id = :conversation_id::uuid",
        {"conversation_id": conversation_id, "turn_id": turn_id},
    )


def newest_leaf_under(db: Executor, *, conversation_id: str, turn_id: str) -> str | None:
    """The newest turn in the subtree of `turn_id` (None when the turn is not this conversation's).

    The newest turn of a subtree is always a leaf (its children would be newer still), so this
    is the branch the user last worked on below that turn.
    """
    row = db.fetch_one(
        """
        WITH RECURSIVE sub(turn_id, created_at) AS (
            SELECT turn_id, created_at FROM messages
            WHERE turn_id = :turn_id::uuid AND role = 'user' AND conversation_id = :conversation_id::uuid
            UNION ALL
            SELECT m.turn_id, m.created_at FROM messages m JOIN sub ON m.previous_turn_id = sub.turn_id
            WHERE m.role = 'user' AND m.conversation_id = :conversation_id::uuid
        )
        SELECT turn_id::text AS turn_id FROM sub ORDER BY created_at DESC LIMIT 1
        """,
        {"conversation_id": conversation_id, "turn_id": turn_id},
    )
    return str(row["turn_id"]) if row else None


def siblings(db: Executor, *, conversation_id: str) -> dict[str, list[str]]:
    """Each turn's id -> the ids of the turns beside it (same previous turn), oldest first, itself included."""
    rows = db.fetch_all(
        """
        SELECT turn_id::text AS turn_id, previous_turn_id::text AS previous_turn_id FROM messages
        WHERE conversation_id = :conversation_id::uuid AND role = 'user' AND turn_id IS NOT NULL
        ORDER BY created_at, id
        """,
        {"conversation_id": conversation_id},
    )
    groups: dict[str | None, list[str]] = {}
    for r in rows:
        groups.setdefault(r["previous_turn_id"], []).append(str(r["turn_id"]))
    return {t: group for group in groups.values() for t in group}


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
    An ended row (completed, failed, stopped) is final: it is returned unchanged, so a late or
    repeated writer (a retried execution, a worker finishing after the user pressed stop)
    never resurrects or rewrites it.
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
        WHERE messages.status IN ('pending', 'streaming')
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
    if row is None:  # the row had ended: it stays as it is
        stored = get_turn_message(db, turn_id=turn_id, role="assistant")
        assert stored is not None
        return stored
    return Message.model_validate(row)


def record_stopped_usage(
    db: Executor,
    *,
    turn_id: str,
    agent_type: str | None,
    model_used: str | None,
    input_tokens: int,
    output_tokens: int,
    cost_usd: float,
    usage: dict[str, Any],
) -> bool:
    """Account a stopped answer for what its model generated (once: the first record wins)."""
    row = db.fetch_one(
        """
        UPDATE messages SET agent_type = COALESCE(agent_type, :agent_type),
            model_used = COALESCE(model_used, :model_used), input_tokens = :input_tokens,
            output_tokens = :output_tokens, tokens_used = :input_tokens + :output_tokens, cost_usd = :cost_usd,
            metadata = metadata || jsonb_build_object('usage', :usage::jsonb)
        WHERE turn_id = :turn_id::uuid AND role = 'assistant' AND status = 'stopped' AND cost_usd IS NULL
        RETURNING id
        """,
        {
            "turn_id": turn_id,
            "agent_type": agent_type,
            "model_used": model_used,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": cost_usd,
            "usage": usage,
        },
    )
    return row is not None


def get(db: Executor, *, message_id: str) -> Message | None:
    row = db.fetch_one(f"SELECT {_COLUMNS} FROM messages WHERE id = :id::uuid", {"id": message_id})
    return Message.model_validate(row) if row else None


def get_turn_message(db: Executor, *, turn_id: str, role: Role) -> Message | None:
    """The user's or the assistant's message of a turn."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM messages WHERE turn_id = :turn_id::uuid AND role = :role",
        {"turn_id": turn_id, "role": role},
    )
    return Message.model_validate(row) if row else None


# The turns on the path from the root to a leaf (``:leaf``; NULL: the conversation's shown leaf).
_PATH_CTE = """
WITH RECURSIVE leaf AS (
    SELECT COALESCE(:leaf::uuid, c.current_turn_id,
        (SELECT q.turn_id FROM messages q
         WHERE q.conversation_id = c.id AND q.role = 'user' AND q.turn_id IS NOT NULL
         ORDER BY q.created_at DESC, q.id DESC LIMIT 1)) AS turn_id
    FROM conversations c WHERE c.id = :conversation_id::uuid
), path(turn_id, previous_turn_id) AS (
    SELECT m.turn_id, m.previous_turn_id FROM messages m JOIN leaf ON m.turn_id = leaf.turn_id
    WHERE m.role = 'user' AND m.conversation_id = :conversation_id::uuid
    UNION ALL
    SELECT m.turn_id, m.previous_turn_id FROM messages m JOIN path ON m.turn_id = path.previous_turn_id
    WHERE m.role = 'user' AND m.conversation_id = :conversation_id::uuid
)
"""


def list_for_conversation(db: Executor, *, conversation_id: str, limit: int = 200) -> list[Message]:
    """The shown branch, oldest first (the order a chat is read in); messages outside turns too."""
    rows = db.fetch_all(
        f"""
        {_PATH_CTE}
        SELECT {_COLUMNS} FROM messages WHERE conversation_id = :conversation_id::uuid
          AND (turn_id IS NULL OR turn_id IN (SELECT turn_id FROM path))
        ORDER BY created_at, role DESC, id LIMIT :limit
        """,
        {"conversation_id": conversation_id, "limit": limit, "leaf": None},
    )
    return [Message.model_validate(r) for r in rows]


def recent(
    db: Executor, *, conversation_id: str, limit: int, before_turn: str | None = None
) -> list[Message]:
    """The last `limit` answered messages on the branch before a turn, oldest first (the model's memory).

    A stopped answer counts: the user saw it and may refer to it. A turn on another branch
    (an earlier answer that was regenerated, a question that was edited) does not.
    """
    previous = None
    if before_turn is not None:
        question = get_turn_message(db, turn_id=before_turn, role="user")
        previous = question.previous_turn_id if question is not None else None
        if previous is None:
            return []  # the first turn of its branch has no memory
    rows = db.fetch_all(
        f"""
        {_PATH_CTE}
        SELECT {_COLUMNS} FROM messages
        WHERE conversation_id = :conversation_id::uuid AND status IN ('completed', 'stopped')
          AND (turn_id IS NULL OR turn_id IN (SELECT turn_id FROM path))
        ORDER BY created_at DESC, role LIMIT :limit
        """,
        {"conversation_id": conversation_id, "limit": limit, "leaf": previous},
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


def delete_turn(db: Executor, *, turn_id: str) -> int:
    """Delete every message of a turn (a turn whose workflow never started); the count deleted.

    A conversation that shows the turn shows the one it followed again: its stored question
    made it the shown leaf, and a leaf that no longer exists would hide the whole branch.
    """
    row = db.fetch_one(
        """
        WITH deleted AS (
            DELETE FROM messages WHERE turn_id = :turn_id::uuid
            RETURNING conversation_id, role, previous_turn_id
        ), shown AS (
            UPDATE conversations c SET current_turn_id = d.previous_turn_id
            FROM deleted d
            WHERE d.role = 'user' AND c.id = d.conversation_id AND c.current_turn_id = :turn_id::uuid
        )
        SELECT count(*) AS n FROM deleted
        """,
        {"turn_id": turn_id},
    )
    return int(row["n"]) if row else 0
