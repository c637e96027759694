"""Per-user agent permissions (user_agent_permissions), with expiry checked in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


class AgentGrant(BaseModel):
    empno: str
    agent_type: str
    permissions: dict[str, Any] = {}
    granted_by: str | None = None
    granted_at: datetime | None = None
    expires_at: datetime | None = None


_COLUMNS = "empno, agent_type, permissions, granted_by, granted_at, expires_at"


def active_agents(db: Executor, *, empno: str) -> set[str]:
    """Agents this user holds an unexpired grant for."""
    rows = db.fetch_all(
        "SELECT agent_type FROM user_agent_permissions"
        " WHERE empno = :empno AND (expires_at IS NULL OR expires_at > NOW())",
        {"empno": empno},
    )
    return {r["agent_type"] for r in rows}


def list_grants(db: Executor, *, empno: str | None = None) -> list[AgentGrant]:
    """Grants (of one user, or everyone's), newest first, expired ones included."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM user_agent_permissions"
        " WHERE (:empno::text IS NULL OR empno = :empno) ORDER BY granted_at DESC",
        {"empno": empno},
    )
    return [AgentGrant.model_validate(r) for r in rows]


def grant(
    db: Executor, *, empno: str, agent_type: str, granted_by: str, expires_at: datetime | None
) -> AgentGrant:
    """Grant (or renew) an agent to a user."""
    row = db.fetch_one(
        f"""
        INSERT INTO user_agent_permissions (empno, agent_type, granted_by, expires_at)
        VALUES (:empno, :agent_type, :granted_by, :expires_at::timestamptz)
        ON CONFLICT (empno, agent_type) DO UPDATE SET
            granted_by = EXCLUDED.granted_by, granted_at = NOW(), expires_at = EXCLUDED.expires_at
        RETURNING {_COLUMNS}
        """,
        {"empno": empno, "agent_type": agent_type, "granted_by": granted_by, "expires_at": expires_at},
    )
    assert row is not None
    return AgentGrant.model_validate(row)


def revoke(db: Executor, *, empno: str, agent_type: str) -> bool:
    """Remove a grant; False when there was none."""
    return (
        db.execute(
            "DELETE FROM user_agent_permissions WHERE empno = :empno AND agent_type = :agent_type",
            {"empno": empno, "agent_type": agent_type},
        )
        == 1
    )
