"""Tool use in the test fake and the offline provider, and the pure helpers of the MCP tool loop."""

from __future__ import annotations

from portal.agents.graphs.domain.nodes import search_tool
from portal.agents.mcp.client import DiscoveredTool, ToolOutcome, expose, truncate
from portal.agents.mcp.results import citations, render
from portal.llm.base import ChatMessage, Completed, ModelRequest, TextDelta, ToolUse, collect, supports_tools
from portal.llm.parts import ToolSpec
from portal.llm.providers.anthropic_provider import AnthropicProvider
from portal.llm.providers.gemini_provider import GeminiProvider
from portal.llm.providers.offline import OfflineProvider

from tests.scripted import ScriptedModel

SEARCH = ToolSpec(
    "search_regulations",
    "Search regulations",
    {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)
ASK = ModelRequest("offline", (ChatMessage("user", "출장 숙박비 한도가 얼마인가요?"),), tools=(SEARCH,))


# --- ScriptedModel and OfflineProvider -------------------------------------------------------


def test_a_scripted_tool_use_is_streamed_and_ends_the_turn_with_tool_use() -> None:
    call = ToolUse("toolu_1", "search_regulations", {"query": "숙박비"})
    events = list(ScriptedModel([call]).stream(ASK))

    assert events[0] == call
    assert isinstance(events[-1], Completed) and events[-1].stop_reason == "tool_use"


def test_a_scripted_turn_plays_text_and_tool_calls_in_order() -> None:
    first = ToolUse("toolu_1", "search_regulations", {"query": "숙박비"})
    second = ToolUse("toolu_2", "get_article", {"document": "출장비 규정", "article": "제7조"})
    completion = collect(ScriptedModel([["규정을 찾아보겠습니다.", first, second]], chunk_size=4), ASK)

    assert completion.text == "규정을 찾아보겠습니다."
    assert completion.tool_uses == [first, second]
    assert completion.stop_reason == "tool_use"


def test_a_scripted_text_reply_still_ends_the_turn() -> None:
    events = list(ScriptedModel(["답변입니다."]).stream(ASK))
    assert [type(e) for e in events] == [TextDelta, Completed]
    assert events[-1].stop_reason == "end_turn"  # type: ignore[union-attr]


def test_the_offline_provider_ignores_tools_and_answers_in_text() -> None:
    completion = collect(OfflineProvider(), ASK)

    assert completion.tool_uses == []
    assert completion.text.startswith("[오프라인 모드]")


def test_which_providers_can_call_tools() -> None:
    assert not supports_tools(OfflineProvider())
    assert all(supports_tools(p) for p in (ScriptedModel([]), AnthropicProvider(), GeminiProvider()))


# --- tool names, results and citations -------------------------------------------------------


def test_tool_names_stay_as_they_are_unless_two_servers_clash() -> None:
    names = expose([("regs", "search"), ("laws", "search"), ("laws", "get_law"), ("tax", "세법 검색")])

    # a Korean name has no letters a provider accepts: it is named after its server
    assert names == ["regs__search", "laws__search", "get_law", "tax_tool"]
    assert len(set(names)) == len(names)


def test_tool_names_that_clash_after_cleaning_get_a_suffix() -> None:
    assert expose([("a", "find.doc"), ("a", "find doc")]) == ["a__find_doc", "a__find_doc_2"]


def test_long_results_are_cut_and_say_so() -> None:
    assert truncate("가" * 10, 20) == "가" * 10
    cut = truncate("가" * 30, 20)
    assert cut.startswith("가" * 20) and "showing 20 of 30 characters" in cut


def outcome(structured: object = None, text: str = "", ok: bool = True) -> ToolOutcome:
    return ToolOutcome("regulations", "search_regulations", {"query": "q"}, ok, text, 12, structured)


HITS = {
    "result": [
        {
            "document": "출장비 규정",
            "article": "제7조",
            "heading": "숙박비",
            "snippet": "1박당 한도 내 실비",
            "score": 9.1,
        },
        {"document": "출장비 규정", "article": "제7조", "heading": "숙박비", "snippet": "중복", "score": 1.0},
        {"document": "취업규칙", "article": "제5조", "heading": "연차휴가", "snippet": "15일", "score": 0.5},
    ]
}


def test_citations_name_each_document_and_article_once() -> None:
    assert citations([outcome(HITS)]) == [
        {
            "document": "출장비 규정",
            "server": "regulations",
            "tool": "search_regulations",
            "section": "제7조",
            "heading": "숙박비",
        },
        {
            "document": "취업규칙",
            "server": "regulations",
            "tool": "search_regulations",
            "section": "제5조",
            "heading": "연차휴가",
        },
    ]


def test_citations_are_read_from_json_text_and_other_key_spellings() -> None:
    text = '[{"law": "부가가치세법", "provision": "제48조", "url": "https://law.go.kr/x"}]'
    [cite] = citations([outcome(text=text)])
    assert (cite["document"], cite["section"], cite["url"]) == (
        "부가가치세법",
        "제48조",
        "https://law.go.kr/x",
    )


def test_failed_calls_and_plain_text_give_no_citations() -> None:
    assert citations([outcome(HITS, ok=False), outcome(text="숙박비는 1박 12만원")]) == []


def test_results_render_as_one_bullet_per_hit_or_as_their_text() -> None:
    rendered = render(outcome(HITS))
    assert rendered.splitlines()[0] == "- **출장비 규정 제7조** (숙박비): 1박당 한도 내 실비"
    assert len(rendered.splitlines()) == 3
    assert render(outcome(text="  plain answer  ")) == "plain answer"


def test_a_short_whole_article_is_shown_instead_of_its_best_line() -> None:
    hit = {
        "document": "출장비 규정",
        "article": "제7조",
        "snippet": "③ 해외 출장",
        "text": "① 서울특별시: 12만원\n③ 해외 출장",
    }
    long_hit = {**hit, "text": "가" * 500}
    assert render(outcome({"result": [hit]})) == "- **출장비 규정 제7조**: ① 서울특별시: 12만원 ③ 해외 출장"
    assert render(outcome({"result": [long_hit]})) == "- **출장비 규정 제7조**: ③ 해외 출장"


# --- the offline fallback's choice of tool ---------------------------------------------------


def tool(name: str, schema: dict) -> DiscoveredTool:
    return DiscoveredTool("regulations", name, name, name, schema)


def test_the_offline_search_uses_a_search_like_tool_that_takes_one_string() -> None:
    tools = [
        tool("list_documents", {"type": "object", "properties": {}}),
        tool(
            "get_article",
            {"type": "object", "properties": {"document": {"type": "string"}, "article": {"type": "string"}}},
        ),
        tool(
            "lookup_term",
            {"type": "object", "properties": {"term": {"type": "string"}}, "required": ["term"]},
        ),
        tool(
            "search_regulations",
            {
                "type": "object",
                "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["query"],
            },
        ),
    ]
    found = search_tool(tools)
    assert found is not None and (found[0].name, found[1]) == ("lookup_term", "term")  # first search-like one
    assert search_tool(tools[:2]) is None  # nothing takes a single query


def test_a_single_optional_string_parameter_also_counts_as_a_query() -> None:
    found = search_tool([tool("ask", {"type": "object", "properties": {"q": {"type": "string"}}})])
    assert found is not None and found[1] == "q"
