"""The domain graph's nodes (and the conditions between them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langgraph.runtime import Runtime

from portal.agents.graphs.domain import text
from portal.agents.graphs.domain.context import DomainContext
from portal.agents.graphs.domain.state import DomainAnswer, DomainState
from portal.agents.mcp.client import DiscoveredTool, ToolOutcome
from portal.agents.mcp.config import InvalidMcpConfig, deployment_problem, parse_stored
from portal.agents.mcp.loop import run_tool_loop, tool_capable_chain
from portal.agents.mcp.results import citations, render
from portal.agents.workers.domain_prompts import domain_system_prompt
from portal.agents.workers.prompts import is_korean
from portal.db.repositories import agent_configs, tool_calls
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.catalog import CatalogModel, load_catalog
from portal.llm.model_choice import TaskType, choose_models, infer_task_type
from portal.observability import MetricName, logger, metrics
from portal.settings import get_settings

_CHARS_PER_TOKEN = 3
# Room kept in the context window for tool results gathered over the rounds.
_TOOL_RESULT_TOKENS = 8_000
_SEARCH_WORDS = ("search", "find", "lookup", "query", "retrieve", "검색")

Ctx = Runtime[DomainContext]


def load_config(state: DomainState, runtime: Ctx) -> DomainState:
    """The agent's active configuration, minus servers this deployment refuses to run."""
    row = agent_configs.get_active(runtime.context.db, agent_type=state["agent"])
    if row is None:
        return {"status": "not_configured", "config_id": None, "servers": [], "problems": []}
    try:
        parsed = parse_stored(row.config_data)
    except InvalidMcpConfig as exc:
        return {
            "status": "misconfigured",
            "config_id": row.id,
            "servers": [],
            "problems": [_problem("*", exc.message)],
        }
    settings = get_settings()
    servers, problems = [], []
    for server in parsed.servers:
        refused = deployment_problem(server, settings)
        if refused:
            problems.append(_problem(server.name, refused))
        else:
            servers.append(server)
    return {
        "status": "configured" if servers else "unavailable",
        "config_id": row.id,
        "servers": servers,
        "problems": problems,
    }


def discover(state: DomainState, runtime: Ctx) -> DomainState:
    """Connect to the servers and list their tools (unreachable servers become problems)."""
    toolbox = runtime.context.toolbox
    tools = toolbox.connect(state["servers"])
    problems = [*state.get("problems", []), *(_problem(p.server, p.error) for p in toolbox.problems)]
    return {"tools": list(tools), "problems": problems, "status": "configured" if tools else "unavailable"}


def tool_loop(state: DomainState, runtime: Ctx) -> DomainState:
    """The model answers with the tools, streaming; every call is recorded."""
    ctx = runtime.context
    settings = get_settings()
    korean = is_korean(state["question"])
    system = domain_system_prompt(
        state["agent"],
        name=ctx.user.name,
        company=ctx.user.company,
        tool_names=[t.exposed_name for t in state["tools"]],
        user_profile=ctx.user.profile_summary,
    )
    messages = [*state.get("history", []), ChatMessage(role="user", content=state["question"])]
    result = run_tool_loop(
        _chain(state, ctx, system, messages),
        ModelRequest(model_id="", messages=tuple(messages), system=system, max_tokens=4096),
        ctx.toolbox,
        ctx.write,
        max_rounds=settings.mcp_max_tool_rounds,
        on_tool_call=_recorder(state, ctx),
        korean=korean,
    )
    if not result.text.strip():
        ctx.write(text.empty_answer(len(result.outcomes), korean=korean))
    if result.exhausted:
        ctx.write(text.exhausted_note(settings.mcp_max_tool_rounds, korean=korean))
    metadata: dict[str, Any] = {
        "model_name": result.model.display_name,
        **_mcp_metadata(state, result.outcomes, status="answered"),
        "tool_rounds": result.rounds,
    }
    if result.exhausted:
        metadata["tool_rounds_exhausted"] = True
    if result.fallbacks:
        metadata["fallbacks"] = result.fallbacks
    answer = DomainAnswer(ctx.stream.text, result.model.key, result.usage, result.cost_usd, metadata)
    return {"status": "answered", "answer": answer}


def offline_lookup(state: DomainState, runtime: Ctx) -> DomainState:
    """No model can call tools: search the server with the question and show what it found."""
    ctx = runtime.context
    korean = is_korean(state["question"])
    found = search_tool(state["tools"])
    outcomes: list[ToolOutcome] = []
    if found is None:
        body = text.no_query_tool(", ".join(f"`{t.name}`" for t in state["tools"]), korean=korean)
    else:
        tool, parameter = found
        [outcome] = ctx.toolbox.call_many([(tool, {parameter: state["question"]})])
        outcomes.append(outcome)
        _recorder(state, ctx)(outcome)
        where = text.lookup_where(tool.server, tool.name, korean=korean)
        body = (
            text.lookup_results(where, render(outcome), korean=korean)
            if outcome.ok
            else text.lookup_failed(where, outcome.error, korean=korean, admin=ctx.is_admin)
        )
    reply = text.offline_lookup(state["agent"], body, korean=korean, admin=ctx.is_admin)
    ctx.write(reply)
    offline = load_catalog().offline
    metadata = {"model_name": offline.display_name, **_mcp_metadata(state, outcomes, status="offline")}
    return {"status": "offline", "answer": DomainAnswer(reply, offline.key, metadata=metadata)}


def explain(state: DomainState, runtime: Ctx) -> DomainState:
    """No tools this turn: say why (and, to admins, what to do): an answer, not an error."""
    ctx = runtime.context
    status = state.get("status", "not_configured")
    problems = state.get("problems", [])
    reply = text.explanation(
        status, state["agent"], problems, korean=is_korean(state["question"]), admin=ctx.is_admin
    )
    ctx.write(reply)
    metadata = {"mcp": {"status": status, "problems": problems}}
    return {"answer": DomainAnswer(reply, None, metadata=metadata)}


def after_load(state: DomainState) -> Literal["discover", "explain"]:
    """Connect only when there are servers to connect to."""
    return "discover" if state.get("status") == "configured" else "explain"


def after_discover(state: DomainState) -> Literal["tool_loop", "offline_lookup", "explain"]:
    """Tools and a model that can call them -> the loop; tools but no such model -> a plain search."""
    if not state.get("tools"):
        return "explain"
    # Through the module, not a copied name: tests (and the local target) replace service.providers.
    available = service.providers()
    chain = choose_models(TaskType.BALANCED_REASONING, configured_providers=service.configured_providers())
    return "tool_loop" if tool_capable_chain(chain, available) else "offline_lookup"


def _problem(server: str, error: str) -> dict[str, str]:
    return {"server": server, "error": error}


def _chain(
    state: DomainState, ctx: DomainContext, system: str, messages: list[ChatMessage]
) -> list[CatalogModel]:
    """The model-choice chain for this turn; a tool-using answer is never a "quick response"."""
    chars = sum(len(m.content) for m in messages) + len(system)
    context_tokens = chars // _CHARS_PER_TOKEN + _TOOL_RESULT_TOKENS
    task = infer_task_type(state["question"], context_tokens=context_tokens)
    if task is TaskType.QUICK_RESPONSE:
        # Short questions still need a model that plans tool calls and cites well.
        task = TaskType.BALANCED_REASONING
    return choose_models(
        task,
        configured_providers=service.configured_providers(),
        context_tokens=context_tokens,
        priority=ctx.user.priority,
        preferred=state.get("preferred_model"),
    )


def _recorder(state: DomainState, ctx: DomainContext) -> Callable[[ToolOutcome], None]:
    """Records each tool call in activity_logs (user, agent, server, tool, duration) and as metrics."""

    def record(outcome: ToolOutcome) -> None:
        tool_calls.record(
            ctx.db,
            empno=ctx.user.user_id,
            agent=state["agent"],
            server=outcome.server,
            tool=outcome.tool,
            duration_ms=outcome.duration_ms,
            ok=outcome.ok,
            error=outcome.error,
            turn_id=ctx.turn_id,
            config_id=state.get("config_id"),
        )
        metrics.add_metric(name=MetricName.MCP_TOOL_CALLS, unit="Count", value=1)
        if not outcome.ok:
            metrics.add_metric(name=MetricName.MCP_TOOL_FAILED, unit="Count", value=1)
        logger.info(
            "MCP tool called",
            extra={
                "server": outcome.server,
                "tool": outcome.tool,
                "ms": outcome.duration_ms,
                "ok": outcome.ok,
            },
        )

    return record


def _mcp_metadata(state: DomainState, outcomes: list[ToolOutcome], *, status: str) -> dict[str, Any]:
    calls = []
    for o in outcomes:
        call: dict[str, Any] = {"name": o.tool, "server": o.server, "duration_ms": o.duration_ms, "ok": o.ok}
        if o.error:
            call["error"] = o.error
        calls.append(call)
    return {
        "mcp": {
            "status": status,
            "servers": [s.name for s in state.get("servers", [])],
            "problems": state.get("problems", []),
        },
        "tool_calls": calls,
        "citations": citations(outcomes),
    }


def search_tool(tools: list[DiscoveredTool]) -> tuple[DiscoveredTool, str] | None:
    """The first tool that takes a single string (the query), search-like names first, and that parameter."""
    fits: list[tuple[DiscoveredTool, str]] = []
    for tool in tools:
        properties = tool.input_schema.get("properties") or {}
        required = list(tool.input_schema.get("required") or [])
        strings = [k for k, v in properties.items() if isinstance(v, dict) and v.get("type") == "string"]
        if len(required) == 1 and required[0] in strings:
            fits.append((tool, required[0]))
        elif not required and len(strings) == 1:
            fits.append((tool, strings[0]))
    fits.sort(key=lambda f: not any(w in f[0].name.lower() for w in _SEARCH_WORDS))  # stable: order kept
    return fits[0] if fits else None
