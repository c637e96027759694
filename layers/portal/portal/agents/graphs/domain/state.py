"""The domain graph's state (plain data) and its result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from portal.agents.mcp.client import DiscoveredTool
from portal.agents.mcp.config import McpServerConfig
from portal.llm.base import ChatMessage, Usage

Status = Literal["configured", "not_configured", "misconfigured", "unavailable", "answered", "offline"]


@dataclass
class DomainAnswer:
    """The graph's result: what the worker stores (the text has already been streamed)."""

    text: str
    model: str | None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)


class DomainState(TypedDict, total=False):
    agent: str  # regulations | legal | accounting | tax
    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    preferred_model: str | None
    status: Status  # how far the turn got (explain picks its message from it)
    config_id: str | None  # the agent_mcp_configs row in use
    servers: list[McpServerConfig]  # the configured servers this deployment will use
    problems: list[dict[str, str]]  # servers skipped or unreachable, and why
    tools: list[DiscoveredTool]  # what the servers offer this turn
    answer: DomainAnswer
