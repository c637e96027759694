"""Read-only shares of a conversation: with a named colleague or with a workspace (0007)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from portal.db.executor import Executor


class Share(BaseModel):
    id: str
    conversation_id: str
    kind: Literal["person", "workspace"]
    grantee_empno: str | None = None
    grantee_name: str | None = None
    workspace_id: str | None = None
    workspace_title: str | None = None
    created_at: datetime


_SELECT = """
    SELECT s.id, s.conversation_id,
           CASE WHEN s.grantee_empno IS NOT NULL THEN 'person' ELSE 'workspace' END AS kind,
           s.grantee_empno, u.name_ko AS grantee_name, s.workspace_id, w.title AS workspace_title,
           s.created_at
    FROM conversation_shares s
    LEFT JOIN users u ON u.empno = s.grantee_empno
    LEFT JOIN workspaces w ON w.id = s.workspace_id
"""


def list_for_conversation(db: Executor, *, conversation_id: str) -> list[Share]:
    """The conversation's shares, oldest first."""
    rows = db.fetch_all(
        f"{_SELECT} WHERE s.conversation_id = :id::uuid ORDER BY s.created_at, s.id", {"id": conversation_id}
    )
    return [Share.model_validate(r) for r in rows]


def add(
    db: Executor,
    *,
    conversation_id: str,
    created_by: str,
    grantee_empno: str | None = None,
    workspace_id: str | None = None,
) -> tuple[Share, bool]:
    """Share with a person or a workspace; sharing again returns the existing share (created=False)."""
    conflict = (
        "(conversation_id, grantee_empno) WHERE grantee_empno IS NOT NULL"
        if grantee_empno is not None
        else "(conversation_id, workspace_id) WHERE workspace_id IS NOT NULL"
    )
    inserted = db.fetch_one(
        f"""
        INSERT INTO conversation_shares (conversation_id, grantee_empno, workspace_id, created_by)
        VALUES (:conversation_id::uuid, :grantee, :workspace_id::uuid, :created_by)
        ON CONFLICT {conflict} DO NOTHING
        RETURNING id
        """,
        {
            "conversation_id": conversation_id,
            "grantee": grantee_empno,
            "workspace_id": workspace_id,
            "created_by": created_by,
        },
    )
    row = db.fetch_one(
        f"""{_SELECT} WHERE s.conversation_id = :id::uuid
              AND (s.grantee_empno = :grantee OR s.workspace_id = :workspace_id::uuid)""",
        {"id": conversation_id, "grantee": grantee_empno, "workspace_id": workspace_id},
    )
    assert row is not None
    return Share.model_validate(row), inserted is not None


def delete(db: Executor, *, conversation_id: str, share_id: str) -> bool:
    """Revoke one share of the conversation; False when there is no such share."""
    return (
        db.execute(
            "DELETE FROM conversation_shares WHERE id = :id::uuid AND conversation_id = :conversation_id::uuid",
            {"id": share_id, "conversation_id": conversation_id},
        )
        == 1
    )
