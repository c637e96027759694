"""Domain agents' MCP configurations (agent_mcp_configs): one row per agent, switched off, never deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


class AgentMcpConfig(BaseModel):
    id: str
    agent_type: str
    name: str
    description: str | None = None
    config_data: dict[str, Any] = {}
    is_active: bool = True
    created_by: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


_COLUMNS = "id, agent_type, name, description, config_data, is_active, created_by, created_at, updated_at"


def get(db: Executor, *, agent_type: str) -> AgentMcpConfig | None:
    """An agent's configuration, active or not."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM agent_mcp_configs WHERE agent_type = :agent_type", {"agent_type": agent_type}
    )
    return AgentMcpConfig.model_validate(row) if row else None


def get_active(db: Executor, *, agent_type: str) -> AgentMcpConfig | None:
    """The configuration a worker uses (None when there is none or an admin switched it off)."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM agent_mcp_configs WHERE agent_type = :agent_type AND is_active IS TRUE",
        {"agent_type": agent_type},
    )
    return AgentMcpConfig.model_validate(row) if row else None


def list_all(db: Executor) -> list[AgentMcpConfig]:
    """Every agent's configuration, by agent name."""
    rows = db.fetch_all(f"SELECT {_COLUMNS} FROM agent_mcp_configs ORDER BY agent_type")
    return [AgentMcpConfig.model_validate(r) for r in rows]


def upsert(
    db: Executor,
    *,
    agent_type: str,
    name: str,
    description: str | None,
    config_data: dict[str, Any],
    admin_empno: str,
) -> AgentMcpConfig:
    """Create or replace an agent's configuration and switch it on (created_by stays the first author)."""
    row = db.fetch_one(
        f"""
        INSERT INTO agent_mcp_configs (agent_type, name, description, config_data, is_active, created_by)
        VALUES (:agent_type, :name, :description, :config_data::jsonb, true, :admin_empno)
        ON CONFLICT (agent_type) DO UPDATE SET
            name = EXCLUDED.name, description = EXCLUDED.description, config_data = EXCLUDED.config_data,
            is_active = true, updated_at = NOW()
        RETURNING {_COLUMNS}
        """,
        {
            "agent_type": agent_type,
            "name": name,
            "description": description,
            "config_data": config_data,
            "admin_empno": admin_empno,
        },
    )
    assert row is not None
    return AgentMcpConfig.model_validate(row)


def deactivate(db: Executor, *, agent_type: str) -> AgentMcpConfig | None:
    """Switch an agent's configuration off (kept for the record); None when the agent has none."""
    row = db.fetch_one(
        f"""
        UPDATE agent_mcp_configs SET is_active = false,
            updated_at = CASE WHEN is_active THEN NOW() ELSE updated_at END
        WHERE agent_type = :agent_type
        RETURNING {_COLUMNS}
        """,
        {"agent_type": agent_type},
    )
    return AgentMcpConfig.model_validate(row) if row else None
