"""The tier-1 domain workers (regulations, legal, accounting, tax): one graph, one factory.

Each agent's Lambda handler builds its worker with ``domain_worker("<agent>")``; the worker
opens the turn's MCP toolbox, runs the domain graph and closes every MCP session (stdio
servers included) however the turn ends.
"""

from __future__ import annotations

from portal.agents.graphs.domain import DomainAnswer, build_graph
from portal.agents.graphs.domain.context import DomainContext
from portal.agents.mcp.client import McpToolbox
from portal.agents.mcp.config import DOMAIN_AGENTS
from portal.agents.runner import Answer, Worker, WorkerContext
from portal.agents.workers.common import history_messages, preferred_model
from portal.realtime.stream import TurnStream


def domain_worker(agent: str) -> Worker:
    """The worker of one domain agent (ValueError for an agent that is not a domain agent)."""
    if agent not in DOMAIN_AGENTS:
        raise ValueError(f"{agent!r} is not a domain agent (one of {', '.join(DOMAIN_AGENTS)})")

    def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
        """Answer the turn from the agent's MCP servers; the text streams as it is produced."""
        with McpToolbox(max_result_chars=ctx.settings.mcp_max_result_chars) as toolbox:
            state = build_graph().invoke(
                {
                    "agent": agent,
                    "question": ctx.question.content,
                    "history": history_messages(ctx),
                    "preferred_model": preferred_model(ctx),
                },
                context=DomainContext(
                    stream=stream, user=ctx.user, db=ctx.db, toolbox=toolbox, turn_id=ctx.turn.turn_id
                ),
            )
        result: DomainAnswer = state["answer"]
        return Answer(
            text=result.text,
            model=result.model,
            input_tokens=result.usage.input_tokens,
            output_tokens=result.usage.output_tokens,
            cost_usd=result.cost_usd,
            metadata=result.metadata,
        )

    answer.__name__ = answer.__qualname__ = f"answer_{agent}"
    return answer
