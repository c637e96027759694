"""What the domain graph tells the user when it cannot answer with its tools and a model.

Korean for Korean questions, English otherwise. Operator detail (the admin API to call, an
example configuration, server names and their errors, model keys) is only for admins;
everyone else learns what happened and that an administrator can fix it.
"""

from __future__ import annotations

from portal.agents.workers.domain_prompts import profile
from portal.llm.operator_notes import connect_model_note

_EXAMPLE_CONFIG = (
    '{"name": "사내 규정 검색", "config_data": {"servers": [{"name": "regulations", '
    '"transport": "streamable_http", "url": "https://mcp.example.internal/mcp", '
    '"headers": {"Authorization": "Bearer …"}}]}}'
)
ASK_ADMIN_KO = "계속 필요하시면 포털 관리자에게 문의해 주세요."
ASK_ADMIN_EN = "If you need it, please contact your portal administrator."


def not_configured(agent: str, problems: list[dict[str, str]], *, korean: bool, admin: bool) -> str:
    """No MCP server is configured for the agent."""
    p = profile(agent)
    if korean:
        todo = (
            f"관리자가 할 일: `PUT /api/admin/agents/{agent}/mcp`로 MCP 서버를 등록하세요. 예:\n\n"
            f"```json\n{_EXAMPLE_CONFIG}\n```\n\n"
            if admin
            else "관리자가 자료 서버를 연결하면 사용할 수 있습니다. " + ASK_ADMIN_KO + "\n\n"
        )
        return (
            f"**{p.title_ko} 에이전트가 아직 설정되지 않았습니다.**\n\n"
            f"이 에이전트는 관리자가 연결한 자료 서버(예: {p.example_server})에서 자료를 찾아 근거와 함께 답합니다. "
            "지금은 연결된 서버가 없어 이 질문에 답하지 않았습니다(근거 없이 추측해서 답하지 않습니다).\n\n"
            f"{todo}"
            "등록되면 같은 질문을 다시 보내 주세요. 그동안 일반적인 질문은 일반 대화에서 하실 수 있습니다."
        )
    todo = (
        f"What an admin must do: register an MCP server with `PUT /api/admin/agents/{agent}/mcp`, e.g.\n\n"
        f"```json\n{_EXAMPLE_CONFIG}\n```\n\n"
        if admin
        else "It can be used once an administrator connects its sources. " + ASK_ADMIN_EN + "\n\n"
    )
    return (
        f"**The {p.title_en} agent is not set up yet.**\n\n"
        "This agent answers from sources an admin connects as MCP servers, and none is connected, "
        "so the question was not answered (it does not guess without sources).\n\n"
        f"{todo}"
        "Then send the question again. Meanwhile, general questions can go to the general assistant."
    )


def misconfigured(agent: str, problems: list[dict[str, str]], *, korean: bool, admin: bool) -> str:
    """The stored configuration cannot be used (why, and how to fix it: admins only)."""
    p = profile(agent)
    reason = problems[0]["error"] if problems else "-"
    if korean:
        detail = (
            f": {reason}\n\n관리자가 `PUT /api/admin/agents/{agent}/mcp`로 설정을 다시 저장해야 합니다."
            if admin
            else ".\n\n" + ASK_ADMIN_KO
        )
        return f"**{p.title_ko} 에이전트의 설정이 올바르지 않습니다.**\n\n저장된 설정을 사용할 수 없어 이 질문에 답하지 않았습니다{detail}"
    detail = (
        f": {reason}\n\nAn admin must save it again with `PUT /api/admin/agents/{agent}/mcp`."
        if admin
        else ".\n\n" + ASK_ADMIN_EN
    )
    return f"**The {p.title_en} agent's configuration is invalid.**\n\nThe stored configuration cannot be used, so the question was not answered{detail}"


def unavailable(agent: str, problems: list[dict[str, str]], *, korean: bool, admin: bool) -> str:
    """The configured servers cannot be reached (which and why: admins only)."""
    p = profile(agent)
    reasons = (
        ("\n".join(f"- `{x['server']}`: {x['error']}" for x in problems) or "-") + "\n\n" if admin else ""
    )
    if korean:
        settings = f"(설정: `PUT /api/admin/agents/{agent}/mcp`)" if admin else ""
        return (
            f"**{p.title_ko} 에이전트의 자료 서버에 연결하지 못했습니다.**\n\n"
            "관리자가 설정한 자료 서버를 사용할 수 없어 이 질문에 답하지 않았습니다(근거 없이 추측해서 답하지 않습니다).\n\n"
            f"{reasons}"
            f"잠시 후 다시 시도해 주시고, 계속되면 관리자에게 알려 주세요{settings}."
        )
    settings = f" (settings: `PUT /api/admin/agents/{agent}/mcp`)" if admin else ""
    return (
        f"**The {p.title_en} agent could not reach its sources.**\n\n"
        "The sources an admin configured cannot be used right now, so the question was not answered "
        "(it does not guess without sources).\n\n"
        f"{reasons}"
        f"Please try again later, and tell an admin if it persists{settings}."
    )


EXPLAIN = {"not_configured": not_configured, "misconfigured": misconfigured}


def explanation(status: str, agent: str, problems: list[dict[str, str]], *, korean: bool, admin: bool) -> str:
    """Why the agent has no tools this turn."""
    compose = EXPLAIN.get(status, unavailable)
    return compose(agent, problems, korean=korean, admin=admin)


def no_query_tool(names: str, *, korean: bool) -> str:
    if korean:
        return f"연결된 서버의 도구({names})는 검색어 하나로 호출할 수 없어, 모델 없이 대신 찾아 드릴 수 없습니다."
    return (
        f"The connected tools ({names}) cannot be called with a plain search query, so nothing was looked up."
    )


def lookup_where(server: str, tool: str, *, korean: bool) -> str:
    return f"`{server}` 서버의 `{tool}`" if korean else f"`{tool}` on server `{server}`"


def lookup_failed(where: str, error: str | None, *, korean: bool, admin: bool) -> str:
    """A failed search (the tool's own error: admins only)."""
    detail = f": {error}" if admin and error else "."
    if korean:
        return f"{where} 도구로 검색했지만 실패했습니다{detail}" + (
            "" if admin else " 잠시 후 다시 시도해 주세요."
        )
    return f"Searching with {where} failed{detail}" + ("" if admin else " Please try again later.")


def lookup_results(where: str, rendered: str | None, *, korean: bool) -> str:
    heading = f"**{where} 검색 결과**" if korean else f"**Results of {where}**"
    return f"{heading}\n\n{rendered or ('(결과 없음)' if korean else '(no results)')}"


def offline_lookup(agent: str, body: str, *, korean: bool, admin: bool) -> str:
    """The search results shown without a model, honest about it."""
    p = profile(agent)
    if korean:
        head = (
            f"[오프라인 모드] 연결된 언어 모델이 없어 {p.title_ko} 에이전트가 질문에 직접 답하지 못합니다. "
            "대신 관리자가 연결한 자료를 질문으로 검색한 결과를 그대로 보여 드립니다. "
            "AI가 해석한 답변이 아니므로 원문을 확인해 주세요."
        )
    else:
        head = (
            f"[Offline mode] No language model is configured, so the {p.title_en} agent cannot answer the "
            "question itself. Instead, here is what a search of the connected sources returned, unedited. "
            "It is not an AI-written answer: check the original documents."
        )
    return f"{head}\n\n{body}\n\n{connect_model_note(korean=korean, admin=admin)}"


def empty_answer(calls: int, *, korean: bool) -> str:
    if korean:
        return f"모델이 도구를 {calls}회 사용했지만 답변을 작성하지 못했습니다. 질문을 조금 더 구체적으로 바꿔 다시 보내 주세요."
    return f"The model used its tools {calls} times but wrote no answer. Please rephrase the question and try again."


def exhausted_note(rounds: int, *, korean: bool) -> str:
    if korean:
        return f"\n\n(참고: 도구 사용 한도인 {rounds}회에 도달하여 지금까지 찾은 자료로만 답했습니다.)"
    return f"\n\n(Note: the tool-use limit of {rounds} rounds was reached; this answer uses what was found so far.)"
