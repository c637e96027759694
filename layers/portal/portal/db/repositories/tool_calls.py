"""Domain agents' MCP tool calls, recorded in activity_logs (who, which agent, tool, how long)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor

ACTION = "agent.tool_call"
RESOURCE_TYPE = "agent"


class ToolCallLog(BaseModel):
    id: str
    empno: str
    agent: str
    server: str
    tool: str
    duration_ms: int
    ok: bool
    error: str | None = None
    turn_id: str | None = None
    config_id: str | None = None  # the agent_mcp_configs row the server came from
    timestamp: datetime


def record(
    db: Executor,
    *,
    empno: str,
    agent: str,
    server: str,
    tool: str,
    duration_ms: int,
    ok: bool,
    error: str | None = None,
    turn_id: str | None = None,
    config_id: str | None = None,
) -> None:
    """Record one tool call (every call is recorded, a re-run turn's calls included: they ran again)."""
    metadata: dict[str, Any] = {
        "agent": agent,
        "server": server,
        "tool": tool,
        "duration_ms": duration_ms,
        "ok": ok,
    }
    if error is not None:
        metadata["error"] = error[:500]
    if turn_id is not None:
        metadata["turn_id"] = turn_id
    db.execute(
        """
        INSERT INTO activity_logs (empno, action, resource_type, resource_id, metadata)
        VALUES (:empno, :action, :resource_type, :config_id::uuid, :metadata::jsonb)
        """,
        {
            "empno": empno,
            "action": ACTION,
            "resource_type": RESOURCE_TYPE,
            "config_id": config_id,
            "metadata": metadata,
        },
    )


def list_calls(
    db: Executor,
    *,
    empno: str | None = None,
    agent: str | None = None,
    turn_id: str | None = None,
    limit: int = 100,
) -> list[ToolCallLog]:
    """Recorded tool calls, newest first, optionally of one user, agent or turn."""
    rows = db.fetch_all(
        """
        SELECT id, empno, metadata, resource_id, timestamp FROM activity_logs
        WHERE action = :action
          AND (:empno::text IS NULL OR empno = :empno)
          AND (:agent::text IS NULL OR metadata->>'agent' = :agent)
          AND (:turn_id::text IS NULL OR metadata->>'turn_id' = :turn_id)
        ORDER BY timestamp DESC, id LIMIT :limit
        """,
        {"action": ACTION, "empno": empno, "agent": agent, "turn_id": turn_id, "limit": limit},
    )
    return [
        ToolCallLog(
            id=r["id"],
            empno=r["empno"],
            config_id=r["resource_id"],
            timestamp=r["timestamp"],
            **{
                k: r["metadata"].get(k)
                for k in ("agent", "server", "tool", "duration_ms", "ok", "error", "turn_id")
            },
        )
        for r in rows
    ]
