"""What the web_search graph tells the user when it cannot answer from a model.

Korean for Korean questions, English otherwise. Operator detail (the search keys, where to
set them, which provider failed and why) is only for admins: an employee cannot act on it
and is told to ask an administrator instead.
"""

from __future__ import annotations

from typing import Any

from portal.llm.operator_notes import connect_model_note

NOT_CONFIGURED_KO = (
    "웹 검색이 설정되지 않았습니다. 관리자가 검색 API 키를 설정해야 이 기능을 사용할 수 있습니다.\n\n"
    "- Tavily: TAVILY_API_KEY\n"
    "- Brave Search: BRAVE_API_KEY\n\n"
    "로컬에서는 같은 이름의 환경 변수로, AWS에서는 provider-keys 비밀(Secrets Manager)에 같은 이름의 "
    "항목으로 넣은 뒤 포털을 다시 시작(또는 배포)하면 됩니다. 검색 없이 답변을 받으시려면 웹 검색을 끄고 "
    "다시 보내 주세요."
)
NOT_CONFIGURED_EN = (
    "Web search is not configured. An administrator must set a search API key first:\n\n"
    "- Tavily: TAVILY_API_KEY\n"
    "- Brave Search: BRAVE_API_KEY\n\n"
    "Locally as environment variables; in AWS as entries of the same name in the provider-keys "
    "secret (Secrets Manager). Then restart (or redeploy) the portal. To get an answer without "
    "web search, turn web search off and send the message again."
)
NOT_CONFIGURED_USER_KO = (
    "웹 검색이 설정되지 않았습니다. 이 기능이 필요하시면 포털 관리자에게 문의해 주세요. "
    "검색 없이 답변을 받으시려면 웹 검색을 끄고 다시 보내 주세요."
)
NOT_CONFIGURED_USER_EN = (
    "Web search is not configured. Please ask your portal administrator if you need it. "
    "To get an answer without web search, turn web search off and send the message again."
)


def not_configured(*, korean: bool, admin: bool) -> str:
    """Web search has no provider: what to set (admins) or whom to ask (everyone else)."""
    if admin:
        return NOT_CONFIGURED_KO if korean else NOT_CONFIGURED_EN
    return NOT_CONFIGURED_USER_KO if korean else NOT_CONFIGURED_USER_EN


def nothing_found(query: str, failures: list[dict[str, Any]], *, korean: bool, admin: bool) -> str:
    """The search found nothing, or every provider failed (which ones and why: admins only)."""
    names = ", ".join(f"{f['provider']} ({f['error']})" for f in failures)
    if korean:
        if not failures:
            return f"‘{query}’(으)로 웹을 검색했지만 결과를 찾지 못했습니다. 검색어를 바꾸거나 더 구체적으로 질문해 주세요."
        detail = f": {names}" if admin else ""
        return f"웹 검색 서비스가 응답하지 않아 ‘{query}’ 검색 결과를 가져오지 못했습니다{detail}. 잠시 후 다시 시도해 주세요."
    if not failures:
        return f"The web search for “{query}” found nothing. Try rephrasing or adding detail."
    detail = f": {names}" if admin else ""
    return f"The web search services did not answer for “{query}”{detail}. Please try again shortly."


def offline_listing(
    query: str, provider: str, items: list[str], *, korean: bool, admin: bool, model_failed: bool
) -> str:
    """Search results without a model's summary, honest about why."""
    if korean:
        head = (
            "[검색 결과만 제공] 언어 모델이 응답하지 않아 검색 결과를 요약하지 못했습니다."
            if model_failed
            else "[오프라인 모드] 연결된 언어 모델이 없어 검색 결과를 요약하지 못했습니다. "
            "아래는 AI가 작성한 답변이 아니라 검색 결과 목록입니다."
        )
        intro = f"‘{query}’ 웹 검색 결과 ({provider}, {len(items)}건):"
    else:
        head = (
            "[Search results only] The language model did not respond, so the results are not summarised."
            if model_failed
            else "[Offline mode] No language model is configured, so these search results are not "
            "summarised. This is a list of results, not an AI-written answer."
        )
        intro = f"Web search results for “{query}” ({provider}, {len(items)}):"
    return "\n\n".join([head, intro, *items, connect_model_note(korean=korean, admin=admin)])
