"""The domain graph's run context: the turn's stream and user plus the database and MCP toolbox."""

from __future__ import annotations

from dataclasses import dataclass

from portal.agents.graphs.context import TurnContext
from portal.agents.mcp.client import McpToolbox
from portal.db.executor import Executor


@dataclass(frozen=True, kw_only=True)
class DomainContext(TurnContext):
    db: Executor
    toolbox: McpToolbox  # the turn's MCP sessions (opened and closed by the worker)
    turn_id: str  # tool calls are recorded under it
