"""The tier-1 domain workers (regulations, legal, accounting, tax): one graph, one factory.

Each agent's Lambda handler builds its worker with ``domain_worker("<agent>")``; the worker
opens the turn's MCP toolbox, runs the domain graph and closes every MCP session (stdio
servers included) however the turn ends.
"""

from __future__ import annotations

from portal.agents.graphs.domain import DomainAnswer, build_graph
from portal.agents.mcp.client import McpToolbox
from portal.agents.mcp.config import DOMAIN_AGENTS
from portal.agents.runner import Answer, Worker, WorkerContext
from portal.agents.user_context import load_user_context
from portal.agents.workers.common import known_model
from portal.db.repositories import users
from portal.llm.base import ChatMessage
from portal.llm.preference import model_choice
from portal.realtime.stream import TurnStream


def _history(ctx: WorkerContext) -> list[ChatMessage]:
    """Earlier completed messages as the model sees them."""
    return [
        ChatMessage(role=m.role, content=m.content)
        for m in ctx.history
        if m.role in ("user", "assistant") and m.content.strip()
    ]


def domain_worker(agent: str) -> Worker:
    """The worker of one domain agent (ValueError for an agent that is not a domain agent)."""
    if agent not in DOMAIN_AGENTS:
        raise ValueError(f"{agent!r} is not a domain agent (one of {', '.join(DOMAIN_AGENTS)})")

    def answer(ctx: WorkerContext, stream: TurnStream) -> Answer:
        """Answer the turn from the agent's MCP servers; the text streams as it is produced."""
        user = users.get(ctx.db, empno=ctx.turn.empno)
        who = load_user_context(ctx.db, empno=ctx.turn.empno)
        choice = model_choice(
            explicit=known_model(ctx.turn.options.model), model_preference=who.model_preference
        )
        with McpToolbox(max_result_chars=ctx.settings.mcp_max_result_chars) as toolbox:
            state = build_graph().invoke(
                {
                    "agent": agent,
                    "question": ctx.question.content,
                    "history": _history(ctx),
                    "empno": ctx.turn.empno,
                    "turn_id": ctx.turn.turn_id,
                    "user_name": user.name_ko if user else ctx.turn.empno,
                    "company": user.company if user else None,
                    "profile": who.profile_summary,
                    "priority": choice.priority,
                    "preferred_model": choice.preferred,
                },
                config={"configurable": {"stream": stream, "toolbox": toolbox, "db": ctx.db}},
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
