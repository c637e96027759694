"""An administrator tests a domain agent's MCP configuration: connect to each server, list its tools."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from portal.agents.mcp import probe
from portal.agents.mcp.config import InvalidMcpConfig, parse_stored
from portal.agents.mcp.probe import ServerTest
from portal.api.deps import AdminUser, Db, DomainAgent
from portal.db.repositories import agent_configs
from portal.errors import BadRequest, NotFound

router = APIRouter(prefix="/admin/agents", tags=["admin"])


class ConnectionTest(BaseModel):
    agent: str
    ok: bool
    servers: list[ServerTest]


@router.post("/{agent}/mcp/test", response_model=ConnectionTest)
def test_connection(admin: AdminUser, agent: DomainAgent, db: Db) -> ConnectionTest:
    """Connect to each stored server now (nothing is saved); a server that fails is reported, not raised."""
    row = agent_configs.get(db, agent_type=agent)
    if row is None:
        raise NotFound(f"The {agent} agent has no MCP configuration")
    try:
        parsed = parse_stored(row.config_data)
    except InvalidMcpConfig as exc:
        raise BadRequest(exc.message) from exc
    results = probe.run(parsed)
    return ConnectionTest(agent=agent, ok=all(r.ok for r in results), servers=results)
