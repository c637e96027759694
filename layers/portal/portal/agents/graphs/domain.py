"""The tier-1 domain agents' graph: load config -> discover tools -> tool loop -> answer.

One graph serves regulations, legal, accounting and tax; the agent is part of the state.
Runtime collaborators travel in the run's config: ``stream`` (the turn's TurnStream),
``toolbox`` (the turn's McpToolbox, closed by the worker) and ``db`` (the executor).

    START -> load_config --(configured)--> discover --(tools, a model that can call them)--> tool_loop -> END
                 |                            |--(tools, offline provider)--> offline_lookup -> END
                 '--(nothing usable)---------'--(no tools)--> explain -> END
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.mcp.client import DiscoveredTool, McpToolbox, ToolOutcome
from portal.agents.mcp.config import InvalidMcpConfig, McpServerConfig, deployment_problem, parse_stored
from portal.agents.mcp.loop import run_tool_loop, tool_capable_chain
from portal.agents.mcp.results import citations, render
from portal.agents.workers.domain_prompts import domain_system_prompt, profile
from portal.agents.workers.prompts import is_korean
from portal.db.executor import Executor
from portal.db.repositories import agent_configs, tool_calls
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest, Usage
from portal.llm.catalog import CatalogModel, load_catalog
from portal.llm.router import Priority, TaskType, choose_models, infer_task_type
from portal.observability import MetricName, logger, metrics
from portal.realtime.stream import TurnStream
from portal.settings import get_settings

_CHARS_PER_TOKEN = 3
# Room kept in the context window for tool results gathered over the rounds.
_TOOL_RESULT_TOKENS = 8_000
_SEARCH_WORDS = ("search", "find", "lookup", "query", "retrieve", "검색")

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
    """The graph's state, one field per concern."""

    agent: str  # regulations | legal | accounting | tax
    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    empno: str  # who asks: tool calls are recorded under them
    turn_id: str
    user_name: str
    company: str | None
    profile: str | None  # the user's profile summary for the prompt (None: opted out / unknown)
    priority: str  # cost | speed | quality | balanced (the user's preference)
    preferred_model: str | None
    status: Status  # how far the turn got (explain picks its message from it)
    config_id: str | None  # the agent_mcp_configs row in use
    servers: list[McpServerConfig]  # the configured servers this deployment will use
    problems: list[dict[str, str]]  # servers skipped or unreachable, and why
    tools: list[DiscoveredTool]  # what the servers offer this turn
    answer: DomainAnswer


def _stream(config: RunnableConfig) -> TurnStream:
    stream: TurnStream = config["configurable"]["stream"]
    return stream


def _toolbox(config: RunnableConfig) -> McpToolbox:
    toolbox: McpToolbox = config["configurable"]["toolbox"]
    return toolbox


def _db(config: RunnableConfig) -> Executor:
    db: Executor = config["configurable"]["db"]
    return db


# --- nodes -----------------------------------------------------------------------------------


def load_config(state: DomainState, config: RunnableConfig) -> DomainState:
    """The agent's active configuration, minus servers this deployment refuses to run."""
    row = agent_configs.get_active(_db(config), agent_type=state["agent"])
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


def discover(state: DomainState, config: RunnableConfig) -> DomainState:
    """Connect to the servers and list their tools (unreachable servers become problems)."""
    toolbox = _toolbox(config)
    tools = toolbox.connect(state["servers"])
    problems = [*state.get("problems", []), *(_problem(p.server, p.error) for p in toolbox.problems)]
    return {"tools": list(tools), "problems": problems, "status": "configured" if tools else "unavailable"}


def tool_loop(state: DomainState, config: RunnableConfig) -> DomainState:
    """The model answers with the tools, streaming; every call is recorded."""
    settings = get_settings()
    tools = state["tools"]
    system = domain_system_prompt(
        state["agent"],
        name=state.get("user_name") or state["empno"],
        company=state.get("company"),
        tool_names=[t.exposed_name for t in tools],
        user_profile=state.get("profile"),
    )
    messages = [*state.get("history", []), ChatMessage(role="user", content=state["question"])]
    result = run_tool_loop(
        _chain(state, system, messages),
        ModelRequest(model_id="", messages=tuple(messages), system=system, max_tokens=4096),
        _toolbox(config),
        _stream(config).write,
        max_rounds=settings.mcp_max_tool_rounds,
        on_tool_call=_recorder(state, config),
        korean=is_korean(state["question"]),
    )
    korean = is_korean(state["question"])
    if not result.text.strip():
        _stream(config).write(_empty_answer(korean, len(result.outcomes)))
    if result.exhausted:
        _stream(config).write(_exhausted_note(korean, settings.mcp_max_tool_rounds))
    metadata: dict[str, Any] = {
        "model_name": result.model.display_name,
        **_mcp_metadata(state, result.outcomes, status="answered"),
        "tool_rounds": result.rounds,
    }
    if result.exhausted:
        metadata["tool_rounds_exhausted"] = True
    if result.fallbacks:
        metadata["fallbacks"] = result.fallbacks
    answer = DomainAnswer(_stream(config).text, result.model.key, result.usage, result.cost_usd, metadata)
    return {"status": "answered", "answer": answer}


def offline_lookup(state: DomainState, config: RunnableConfig) -> DomainState:
    """No model can call tools: search the server with the question and show what it found."""
    korean = is_korean(state["question"])
    p = profile(state["agent"])
    found = search_tool(state["tools"])
    outcomes: list[ToolOutcome] = []
    if found is None:
        names = ", ".join(f"`{t.name}`" for t in state["tools"])
        body = (
            f"연결된 서버의 도구({names})는 검색어 하나로 호출할 수 없어, 모델 없이 대신 찾아 드릴 수 없습니다."
            if korean
            else f"The connected tools ({names}) cannot be called with a plain search query, so nothing was looked up."
        )
    else:
        tool, parameter = found
        [outcome] = _toolbox(config).call_many([(tool, {parameter: state["question"]})])
        outcomes.append(outcome)
        _recorder(state, config)(outcome)
        where = (
            f"`{tool.server}` 서버의 `{tool.name}`" if korean else f"`{tool.name}` on server `{tool.server}`"
        )
        if not outcome.ok:
            body = (
                f"{where} 도구로 검색했지만 실패했습니다: {outcome.error}"
                if korean
                else f"Searching with {where} failed: {outcome.error}"
            )
        else:
            rendered = render(outcome) or ("(결과 없음)" if korean else "(no results)")
            heading = f"**{where} 검색 결과**" if korean else f"**Results of {where}**"
            body = f"{heading}\n\n{rendered}"
    if korean:
        text = (
            f"[오프라인 모드] 연결된 언어 모델이 없어 {p.title_ko} 에이전트가 질문에 직접 답하지 못합니다. "
            "대신 관리자가 연결한 자료를 질문으로 검색한 결과를 그대로 보여 드립니다. "
            "AI가 해석한 답변이 아니므로 원문을 확인해 주세요.\n\n"
            f"{body}\n\n"
            "실제 모델을 연결하려면 ANTHROPIC_API_KEY 또는 GOOGLE_API_KEY 환경 변수를 설정하거나, "
            "AWS에서는 PORTAL_USE_BEDROCK=true로 Bedrock의 Claude를 사용하세요."
        )
    else:
        text = (
            f"[Offline mode] No language model is configured, so the {p.title_en} agent cannot answer the "
            "question itself. Instead, here is what a search of the connected sources returned, unedited. "
            "It is not an AI-written answer: check the original documents.\n\n"
            f"{body}\n\n"
            "To connect a real model, set ANTHROPIC_API_KEY or GOOGLE_API_KEY, or in AWS set "
            "PORTAL_USE_BEDROCK=true to use Claude on Bedrock."
        )
    _stream(config).write(text)
    offline = load_catalog().offline
    metadata = {"model_name": offline.display_name, **_mcp_metadata(state, outcomes, status="offline")}
    return {"status": "offline", "answer": DomainAnswer(text, offline.key, metadata=metadata)}


def explain(state: DomainState, config: RunnableConfig) -> DomainState:
    """No tools this turn: say why and what an admin must do (an answer, not an error)."""
    korean = is_korean(state["question"])
    status = state.get("status", "not_configured")
    compose = {"not_configured": _not_configured, "misconfigured": _misconfigured}.get(status, _unavailable)
    text = compose(state["agent"], state.get("problems", []), korean)
    _stream(config).write(text)
    metadata = {"mcp": {"status": status, "problems": state.get("problems", [])}}
    return {"answer": DomainAnswer(text, None, metadata=metadata)}


# --- routing ---------------------------------------------------------------------------------


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


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The domain graph, compiled once per container."""
    graph = StateGraph(DomainState)
    graph.add_node("load_config", load_config)
    graph.add_node("discover", discover)
    graph.add_node("tool_loop", tool_loop)
    graph.add_node("offline_lookup", offline_lookup)
    graph.add_node("explain", explain)
    graph.add_edge(START, "load_config")
    graph.add_conditional_edges("load_config", after_load)
    graph.add_conditional_edges("discover", after_discover)
    for node in ("tool_loop", "offline_lookup", "explain"):
        graph.add_edge(node, END)
    return graph.compile()


# --- helpers ---------------------------------------------------------------------------------


def _problem(server: str, error: str) -> dict[str, str]:
    return {"server": server, "error": error}


def _chain(state: DomainState, system: str, messages: list[ChatMessage]) -> list[CatalogModel]:
    """The router's chain for this turn; a tool-using answer is never a "quick response"."""
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
        priority=state.get("priority", Priority.BALANCED),
        preferred=state.get("preferred_model"),
    )


def _recorder(state: DomainState, config: RunnableConfig) -> Any:
    """Records each tool call in activity_logs (user, agent, server, tool, duration) and as metrics."""
    db = _db(config)

    def record(outcome: ToolOutcome) -> None:
        tool_calls.record(
            db,
            empno=state["empno"],
            agent=state["agent"],
            server=outcome.server,
            tool=outcome.tool,
            duration_ms=outcome.duration_ms,
            ok=outcome.ok,
            error=outcome.error,
            turn_id=state.get("turn_id"),
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


_EXAMPLE_CONFIG = (
    '{"name": "사내 규정 검색", "config_data": {"servers": [{"name": "regulations", '
    '"transport": "streamable_http", "url": "https://mcp.example.internal/mcp", '
    '"headers": {"Authorization": "Bearer …"}}]}}'
)


def _not_configured(agent: str, problems: list[dict[str, str]], korean: bool) -> str:
    p = profile(agent)
    if korean:
        return (
            f"**{p.title_ko} 에이전트가 아직 설정되지 않았습니다.**\n\n"
            f"이 에이전트는 관리자가 연결한 MCP 서버(예: {p.example_server})에서 자료를 찾아 근거와 함께 답합니다. "
            "지금은 연결된 서버가 없어 이 질문에 답하지 않았습니다(근거 없이 추측해서 답하지 않습니다).\n\n"
            f"관리자가 할 일: `PUT /api/admin/agents/{agent}/mcp`로 MCP 서버를 등록하세요. 예:\n\n"
            f"```json\n{_EXAMPLE_CONFIG}\n```\n\n"
            "등록되면 같은 질문을 다시 보내 주세요. 그동안 일반적인 질문은 일반 대화에서 하실 수 있습니다."
        )
    return (
        f"**The {p.title_en} agent is not set up yet.**\n\n"
        "This agent answers from sources an admin connects as MCP servers, and none is connected, "
        "so the question was not answered (it does not guess without sources).\n\n"
        f"What an admin must do: register an MCP server with `PUT /api/admin/agents/{agent}/mcp`, e.g.\n\n"
        f"```json\n{_EXAMPLE_CONFIG}\n```\n\n"
        "Then send the question again. Meanwhile, general questions can go to the general assistant."
    )


def _misconfigured(agent: str, problems: list[dict[str, str]], korean: bool) -> str:
    p = profile(agent)
    reason = problems[0]["error"] if problems else "-"
    if korean:
        return (
            f"**{p.title_ko} 에이전트의 설정이 올바르지 않습니다.**\n\n"
            f"저장된 MCP 설정을 사용할 수 없어 이 질문에 답하지 않았습니다: {reason}\n\n"
            f"관리자가 `PUT /api/admin/agents/{agent}/mcp`로 설정을 다시 저장해야 합니다."
        )
    return (
        f"**The {p.title_en} agent's configuration is invalid.**\n\n"
        f"The stored MCP configuration cannot be used, so the question was not answered: {reason}\n\n"
        f"An admin must save it again with `PUT /api/admin/agents/{agent}/mcp`."
    )


def _unavailable(agent: str, problems: list[dict[str, str]], korean: bool) -> str:
    p = profile(agent)
    reasons = "\n".join(f"- `{x['server']}`: {x['error']}" for x in problems) or "-"
    if korean:
        return (
            f"**{p.title_ko} 에이전트의 자료 서버에 연결하지 못했습니다.**\n\n"
            "관리자가 설정한 MCP 서버를 사용할 수 없어 이 질문에 답하지 않았습니다(근거 없이 추측해서 답하지 않습니다).\n\n"
            f"{reasons}\n\n"
            f"잠시 후 다시 시도해 주시고, 계속되면 관리자에게 알려 주세요(설정: `PUT /api/admin/agents/{agent}/mcp`)."
        )
    return (
        f"**The {p.title_en} agent could not reach its sources.**\n\n"
        "The MCP servers an admin configured cannot be used right now, so the question was not answered "
        "(it does not guess without sources).\n\n"
        f"{reasons}\n\n"
        f"Please try again later, and tell an admin if it persists (settings: `PUT /api/admin/agents/{agent}/mcp`)."
    )


def _empty_answer(korean: bool, calls: int) -> str:
    if korean:
        return f"모델이 도구를 {calls}회 사용했지만 답변을 작성하지 못했습니다. 질문을 조금 더 구체적으로 바꿔 다시 보내 주세요."
    return f"The model used its tools {calls} times but wrote no answer. Please rephrase the question and try again."


def _exhausted_note(korean: bool, rounds: int) -> str:
    if korean:
        return f"\n\n(참고: 도구 사용 한도인 {rounds}회에 도달하여 지금까지 찾은 자료로만 답했습니다.)"
    return f"\n\n(Note: the tool-use limit of {rounds} rounds was reached; this answer uses what was found so far.)"
