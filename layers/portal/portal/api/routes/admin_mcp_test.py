"""An administrator tests a domain agent's MCP configuration: connect to each server, list its tools."""

from __future__ import annotations

import time

from fastapi import APIRouter
from pydantic import BaseModel, Field

from portal.agents.mcp.client import McpToolbox
from portal.agents.mcp.config import InvalidMcpConfig, McpServerConfig, deployment_problem, parse_stored
from portal.api.deps import AdminUser, Db
from portal.api.routes.admin_agents import DomainAgent
from portal.db.repositories import agent_configs
from portal.errors import BadRequest, NotFound
from portal.settings import get_settings

router = APIRouter(prefix="/admin/agents", tags=["admin"])


class ToolInfo(BaseModel):
    name: str
    description: str
    allowed: bool  # in the server's allowed_tools (or no list is set)


class ServerTest(BaseModel):
    name: str
    ok: bool
    elapsed_ms: int
    tools: list[ToolInfo] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class ConnectionTest(BaseModel):
    agent: str
    ok: bool
    servers: list[ServerTest]


def _test_server(server: McpServerConfig) -> ServerTest:
    problem = deployment_problem(server, get_settings())
    if problem:
        return ServerTest(name=server.name, ok=False, elapsed_ms=0, problems=[problem])
    # Every tool the server offers is listed; allowed_tools only marks the ones the agent uses.
    wanted = set(server.allowed_tools) if server.allowed_tools is not None else None
    started = time.monotonic()
    with McpToolbox() as box:
        tools = box.connect([server.model_copy(update={"allowed_tools": None})])
        problems = [p.error for p in box.problems]
    elapsed = int((time.monotonic() - started) * 1000)
    offered = {t.name for t in tools}
    problems += [f"allowed tool {name!r} is not offered" for name in sorted((wanted or set()) - offered)]
    return ServerTest(
        name=server.name,
        ok=not box.problems,
        elapsed_ms=elapsed,
        tools=[
            ToolInfo(name=t.name, description=t.description[:500], allowed=wanted is None or t.name in wanted)
            for t in tools
        ],
        problems=problems,
    )


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
    results = [_test_server(server) for server in parsed.servers]
    return ConnectionTest(agent=agent, ok=all(r.ok for r in results), servers=results)
