"""An administrator's MCP connection test: connect to each server of a configuration now and
list every tool it offers (nothing is saved, nothing is called).

The API function carries no MCP SDK (its path stays light; tests/infra/test_layer_imports.py),
so in AWS the API invokes the mcp_probe function (functions/mcp_probe), which has the SDK and
the workers' network, with the configuration as the payload; on the local target (no probe
function configured) the test runs in the API's process.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import BaseModel

from portal.agents.mcp.config import McpAgentConfig, McpServerConfig, deployment_problem
from portal.errors import PortalError
from portal.settings import get_settings


class ProbeFailed(PortalError):
    """The probe function itself failed (not a server: those are reported as problems)."""

    status_code = 502
    code = "mcp_probe_failed"


class ToolInfo(BaseModel):
    name: str
    description: str
    allowed: bool  # in the server's allowed_tools (or no list is set)


class ServerTest(BaseModel):
    name: str
    ok: bool
    elapsed_ms: int
    tools: list[ToolInfo] = []
    problems: list[str] = []


def _test_server(server: McpServerConfig) -> ServerTest:
    from portal.agents.mcp.client import McpToolbox  # the SDK: only where a test really runs

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
        ok=not problems,
        elapsed_ms=elapsed,
        tools=[
            ToolInfo(name=t.name, description=t.description[:500], allowed=wanted is None or t.name in wanted)
            for t in tools
        ],
        problems=problems,
    )


def probe(config: McpAgentConfig) -> list[ServerTest]:
    """Test every server of the configuration, here, one after the other."""
    return [_test_server(server) for server in config.servers]


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """The probe function's work: {"config_data": ...} -> {"servers": [...]}."""
    config = McpAgentConfig.model_validate(event["config_data"])
    return {"servers": [r.model_dump() for r in probe(config)]}


def run(config: McpAgentConfig) -> list[ServerTest]:
    """Where this deployment runs the test: the probe function when configured, else here."""
    function = get_settings().mcp_probe_function
    if not function:
        return probe(config)
    from portal import aws

    response = aws.client("lambda").invoke(
        FunctionName=function,
        Payload=json.dumps({"config_data": config.model_dump(mode="json", exclude_none=True)}).encode(),
    )
    body = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError") or "servers" not in body:
        raise ProbeFailed("MCP 연결 테스트를 실행하지 못했습니다. 잠시 후 다시 시도해 주세요.")
    return [ServerTest.model_validate(s) for s in body["servers"]]
