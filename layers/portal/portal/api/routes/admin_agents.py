"""Administrators connect the tier-1 domain agents to MCP servers (agent_mcp_configs).

Header and environment values (often credentials) are write-only: listings show their
names, never their values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, field_validator

from portal.admin.audit import record_admin_change
from portal.agents.mcp.config import (
    DOMAIN_AGENTS,
    InvalidMcpConfig,
    McpAgentConfig,
    check_deployable,
    deployment_problem,
    parse_stored,
)
from portal.agents.workers.domain_prompts import profile
from portal.api.deps import AdminUser, Db, DomainAgent
from portal.db.executor import Executor
from portal.db.repositories import agent_configs
from portal.db.repositories.agent_configs import AgentMcpConfig
from portal.errors import NotFound
from portal.settings import get_settings

router = APIRouter(prefix="/admin/agents", tags=["admin"])


class McpConfigIn(BaseModel):
    """PUT body: a display name, an optional description, and the servers."""

    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    config_data: McpAgentConfig

    @field_validator("name")
    @classmethod
    def _strip(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name must not be blank")
        return v.strip()


class AgentMcpStatus(BaseModel):
    """One domain agent and its MCP configuration, as an admin sees it."""

    agent: str
    title: str  # the agent's name in the portal (Korean)
    configured: bool  # a configuration exists (active or not)
    active: bool  # the worker uses it
    name: str | None = None
    description: str | None = None
    servers: list[dict[str, Any]] = []
    # Why (part of) the configuration cannot be used in this deployment, if at all.
    problems: list[str] = []
    created_by: str | None = None
    updated_at: datetime | None = None


class AgentMcpList(BaseModel):
    items: list[AgentMcpStatus]


def _status(agent: str, row: AgentMcpConfig | None) -> AgentMcpStatus:
    status = AgentMcpStatus(
        agent=agent, title=profile(agent).title_ko, configured=row is not None, active=False
    )
    if row is None:
        return status
    status.active, status.name, status.description = row.is_active, row.name, row.description
    status.created_by, status.updated_at = row.created_by, row.updated_at
    try:
        parsed = parse_stored(row.config_data)
    except InvalidMcpConfig as exc:
        status.problems.append(exc.message)
        return status
    settings = get_settings()
    status.servers = [s.public() for s in parsed.servers]
    status.problems = [p for s in parsed.servers if (p := deployment_problem(s, settings))]
    return status


@router.get("", response_model=AgentMcpList)
def list_agents(admin: AdminUser, db: Db) -> AgentMcpList:
    """The four domain agents and whether (and how) each is connected."""
    rows = {row.agent_type: row for row in agent_configs.list_all(db)}
    return AgentMcpList(items=[_status(agent, rows.get(agent)) for agent in DOMAIN_AGENTS])


# `admin` comes first in the signatures below: dependencies run in parameter order, so a caller
# who is not signed in gets 401 and a non-admin 403 before the agent (404) or the body (422) is judged.


@router.put("/{agent}/mcp", response_model=AgentMcpStatus)
def put_config(admin: AdminUser, agent: DomainAgent, body: McpConfigIn, db: Db) -> AgentMcpStatus:
    """Create or replace the agent's servers and switch the configuration on (422 when unusable here)."""
    check_deployable(body.config_data, get_settings())
    with db.transaction() as tx:  # the configuration and its audit row together
        before = agent_configs.get(tx, agent_type=agent)
        saved = agent_configs.upsert(
            tx,
            agent_type=agent,
            name=body.name,
            description=body.description,
            config_data=body.config_data.model_dump(mode="json", exclude_none=True),
            admin_empno=admin.empno,
        )
        _audit(tx, admin.empno, "admin.mcp_config.put", agent, before, saved)
    return _status(agent, saved)


@router.delete("/{agent}/mcp", status_code=204)
def deactivate_config(admin: AdminUser, agent: DomainAgent, db: Db) -> Response:
    """Switch the configuration off (kept, and switched on again by the next PUT); 404 when there is none."""
    with db.transaction() as tx:
        before = agent_configs.get(tx, agent_type=agent)
        after = agent_configs.deactivate(tx, agent_type=agent)
        if after is None:
            raise NotFound(f"The {agent} agent has no MCP configuration")
        _audit(tx, admin.empno, "admin.mcp_config.deactivate", agent, before, after)
    return Response(status_code=204)


def _audit(
    db: Executor,
    admin_empno: str,
    action: str,
    agent: str,
    before: AgentMcpConfig | None,
    after: AgentMcpConfig,
) -> None:
    """Audit an MCP change; header/env values (credentials) are kept out of the log like the listing."""
    record_admin_change(
        db,
        admin_empno=admin_empno,
        action=action,
        resource_type="mcp_config",
        target=agent,
        before=_public(before),
        after=_public(after),
    )


def _public(row: AgentMcpConfig | None) -> dict[str, Any] | None:
    if row is None:
        return None
    status = _status(row.agent_type, row)
    return status.model_dump(mode="json", include={"active", "name", "description", "servers"})
