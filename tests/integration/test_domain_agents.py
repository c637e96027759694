"""The tier-1 domain agents end to end: run_worker over real PostgreSQL + moto, against the real
regulations MCP server shipped in tests/mcp_servers (over stdio and streamable HTTP), with a
scripted model that makes real tool calls."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from portal.agents.registry import WORKERS
from portal.agents.runner import run_worker
from portal.agents.turn import RouteDecision, TurnInput
from portal.agents.workers.domain import domain_worker
from portal.db.repositories import agent_configs, conversations, messages, tool_calls, users
from portal.llm.base import ProviderRejected, ProviderThrottled, ToolUse
from portal.llm.service import AllModelsFailed

from tests.scripted import ScriptedModel

pytestmark = pytest.mark.integration

SERVER = Path(__file__).resolve().parents[1] / "mcp_servers" / "regulations_server.py"
STDIO_SERVER = {"name": "regulations", "transport": "stdio", "command": sys.executable, "args": [str(SERVER)]}
QUESTION = "출장 숙박비 한도가 얼마인가요?"


# --- fixtures and factories ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def http_server() -> Iterator[dict[str, str]]:
    """The regulations server over streamable HTTP on a free port, requiring a bearer token."""
    port, token = _free_port(), "test-token-7f3e"
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--http", "--port", str(port), "--token", token],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    process.stderr.read().decode() if process.stderr else "server exited"
                ) from None
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("the regulations MCP server did not start")
    yield {"url": f"http://127.0.0.1:{port}/mcp", "token": token}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _stdio_opted_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests run the shipped server as a subprocess: the developer's opt-in, as documented."""
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_MCP_ALLOW_STDIO", "true")
    reset_settings()


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch):
    """Replace the providers with a scripted fake answering as the offline model (it can call tools)."""
    from portal.llm import service

    def install(*items: object) -> ScriptedModel:
        model = ScriptedModel(list(items), name="offline", chunk_size=5)
        monkeypatch.setattr(service, "providers", lambda: {"offline": model})
        return model

    return install


def configure(db, agent: str, *servers: dict[str, Any]) -> agent_configs.AgentMcpConfig:
    users.upsert_from_claims(
        db, empno="A0001", name_ko="관리자", company=None, company_code="C", roles=["admin"]
    )
    return agent_configs.upsert(
        db,
        agent_type=agent,
        name=f"{agent} sources",
        description=None,
        config_data={"servers": list(servers)},
        admin_empno="A0001",
    )


def turn_event(
    db, agent: str, text: str = QUESTION, *, empno: str = "E1001", admin: bool = False
) -> dict[str, Any]:
    """A stored user message of a new turn (asked by an admin or an employee), and the worker's input."""
    roles = ["admin"] if admin else []
    users.upsert_from_claims(
        db, empno=empno, name_ko="홍길동", company="테스트", company_code="C", roles=roles
    )
    conversation = conversations.create(db, user_empno=empno, title=None)
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=text, metadata={}
    )
    event = TurnInput(turn_id=turn_id, conversation_id=conversation.id, message_id=message.id, empno=empno)
    route = RouteDecision(agent=agent, confidence=1.0, reason="test", decided_by="explicit")
    return {**event.model_dump(), "route": route.model_dump()}


def answer_of(db, event: dict[str, Any]) -> messages.Message:
    stored = messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant")
    assert stored is not None
    return stored


def streamed_text(event: dict[str, Any]) -> str:
    """What the user's sockets were sent, read back from the replay table."""
    import boto3

    table = boto3.resource("dynamodb").Table("portal-stream-chunks")
    items = table.query(
        KeyConditionExpression="turn_id = :t", ExpressionAttributeValues={":t": event["turn_id"]}
    )["Items"]
    chunks = [i for i in items if int(i["seq"]) > 0]  # seq 0 is the stream's header item
    return "".join(i["text"] for i in sorted(chunks, key=lambda i: int(i["seq"])))


def search(query: str, call_id: str = "toolu_01") -> ToolUse:
    return ToolUse(call_id, "search_regulations", {"query": query, "limit": 3})


# --- the tool loop against the real server ---------------------------------------------------


def test_the_model_searches_the_regulations_over_stdio_and_answers_with_citations(db, aws, scripted) -> None:
    config = configure(db, "regulations", STDIO_SERVER)
    final = "「출장비 규정」 제7조(숙박비)에 따라 서울은 1박 12만원 한도에서 실비로 지급됩니다."
    model = scripted(["규정을 찾아보겠습니다.", search("출장 숙박비 한도")], final)
    event = turn_event(db, "regulations")

    result = run_worker(event, domain_worker("regulations"))

    stored = answer_of(db, event)
    assert result["message_id"] == stored.id
    assert stored.content == f"규정을 찾아보겠습니다.\n\n{final}"
    assert streamed_text(event) == stored.content  # what was stored is what the user saw
    # The second request carries the call and the server's real result.
    assert [t.name for t in model.requests[0].tools] == [
        "search_regulations",
        "get_article",
        "list_documents",
    ]
    [call] = model.requests[1].messages[-2].tool_calls
    [tool_result] = model.requests[1].messages[-1].tool_results
    assert call.name == tool_result.name == "search_regulations"
    assert "12만원" in tool_result.content and not tool_result.is_error
    meta = stored.metadata
    assert meta["citations"][0] == {
        "document": "출장비 규정",
        "section": "제7조",
        "heading": "숙박비",
        "server": "regulations",
        "tool": "search_regulations",
    }
    [recorded] = meta["tool_calls"]
    assert (recorded["name"], recorded["server"], recorded["ok"]) == (
        "search_regulations",
        "regulations",
        True,
    )
    assert meta["mcp"]["status"] == "answered" and meta["tool_rounds"] == 2
    assert stored.agent_type == "regulations" and stored.model_used == "offline"
    # One activity row per tool call: who, which agent, which tool, how long.
    [log] = tool_calls.list_calls(db, turn_id=event["turn_id"])
    assert (log.empno, log.agent, log.server, log.tool, log.ok) == (
        "E1001",
        "regulations",
        "regulations",
        "search_regulations",
        True,
    )
    assert log.duration_ms == recorded["duration_ms"] and log.duration_ms >= 0
    assert log.config_id == config.id


def test_the_loop_runs_over_streamable_http_with_the_configured_headers(
    db, aws, scripted, http_server
) -> None:
    configure(
        db,
        "regulations",
        {
            "name": "regs-http",
            "transport": "streamable_http",
            "url": http_server["url"],
            "headers": {"Authorization": f"Bearer {http_server['token']}"},
        },
    )
    both = [
        search("재택근무"),
        ToolUse("toolu_02", "get_article", {"document": "취업규칙", "article": "제7조"}),
    ]
    model = scripted(both, "취업규칙 제7조에 따라 주 2일 이내에서 재택근무가 가능합니다.")
    event = turn_event(db, "regulations", "재택근무는 일주일에 며칠 가능한가요?")

    run_worker(event, domain_worker("regulations"))

    results = model.requests[1].messages[-1].tool_results
    assert [r.name for r in results] == ["search_regulations", "get_article"]  # in the order asked
    assert "주 2일 이내" in results[1].content
    logs = tool_calls.list_calls(db, turn_id=event["turn_id"])
    assert sorted(log.tool for log in logs) == ["get_article", "search_regulations"]
    assert {log.server for log in logs} == {"regs-http"} and all(log.ok for log in logs)
    cited = [(c["document"], c.get("section")) for c in answer_of(db, event).metadata["citations"]]
    assert ("취업규칙", "제7조") in cited


def test_a_failing_tool_call_is_recorded_and_the_model_is_told(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    wrong = ToolUse("toolu_01", "get_article", {"document": "없는 규정", "article": "제1조"})
    model = scripted(wrong, "해당 규정을 찾지 못했습니다. 규정 이름을 확인해 주세요.")
    event = turn_event(db, "regulations", "없는 규정 제1조 내용 알려줘")

    run_worker(event, domain_worker("regulations"))

    [result] = model.requests[1].messages[-1].tool_results
    assert result.is_error and "문서를 찾을 수 없습니다" in result.content and "출장비 규정" in result.content
    [log] = tool_calls.list_calls(db, turn_id=event["turn_id"])
    assert log.ok is False and "문서를 찾을 수 없습니다" in (log.error or "")
    stored = answer_of(db, event)
    assert stored.content == "해당 규정을 찾지 못했습니다. 규정 이름을 확인해 주세요."
    assert stored.metadata["tool_calls"][0]["ok"] is False and stored.metadata["citations"] == []


def test_a_tool_the_model_made_up_is_not_called_and_the_model_learns_what_exists(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    model = scripted(ToolUse("toolu_01", "delete_everything", {}), "사용할 수 있는 도구로 다시 찾겠습니다.")
    event = turn_event(db, "regulations")

    run_worker(event, domain_worker("regulations"))

    [result] = model.requests[1].messages[-1].tool_results
    assert result.is_error and "search_regulations" in result.content
    assert tool_calls.list_calls(db, turn_id=event["turn_id"]) == []  # nothing ran, nothing recorded


def test_the_loop_stops_after_the_configured_rounds_and_asks_for_text(db, aws, scripted, monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_MCP_MAX_TOOL_ROUNDS", "2")
    configure(db, "regulations", STDIO_SERVER)
    model = scripted(
        search("숙박비", "toolu_01"),
        search("숙박 한도", "toolu_02"),
        ["지금까지 찾은 바로는 서울 12만원입니다.", search("또 검색", "toolu_03")],  # ignores "text only"
    )
    event = turn_event(db, "regulations")

    run_worker(event, domain_worker("regulations"))

    assert [r.tool_choice for r in model.requests] == ["auto", "auto", "none"]
    assert len(model.requests[2].tools) == 3  # still declared: the history refers to them
    assert len(tool_calls.list_calls(db, turn_id=event["turn_id"])) == 2  # the third call never ran
    stored = answer_of(db, event)
    assert stored.metadata["tool_rounds_exhausted"] is True
    assert stored.content.startswith("지금까지 찾은 바로는 서울 12만원입니다.")
    assert "도구 사용 한도인 2회" in stored.content


def test_a_throttled_model_falls_back_mid_loop_and_the_next_one_continues_the_conversation(
    db, aws, monkeypatch
) -> None:
    from portal.llm import service

    # Every Claude model of the chain is served by this one fake: calls 1, 2 and 3 go to the
    # first, first (throttled) and second model of the chain.
    claude = ScriptedModel(
        [search("숙박비"), ProviderThrottled("slow down"), "서울은 1박 12만원입니다."], name="anthropic"
    )
    monkeypatch.setattr(service, "providers", lambda: {"anthropic": claude})
    configure(db, "regulations", STDIO_SERVER)
    event = turn_event(db, "regulations")

    run_worker(event, domain_worker("regulations"))

    first, throttled, second = claude.requests
    assert first.model_id == throttled.model_id != second.model_id
    assert second.messages[-1].tool_results  # the next model got the tool history too
    stored = answer_of(db, event)
    assert stored.content == "서울은 1박 12만원입니다."
    assert stored.metadata["fallbacks"] == [
        {"model": stored.metadata["fallbacks"][0]["model"], "error": "ProviderThrottled"}
    ]
    assert stored.model_used != stored.metadata["fallbacks"][0]["model"]


def test_a_rejected_request_fails_the_turn_and_stores_no_answer(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    scripted(ProviderRejected("prompt too long"))
    event = turn_event(db, "regulations")

    with pytest.raises(AllModelsFailed, match="prompt too long"):
        run_worker(event, domain_worker("regulations"))
    assert messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant") is None


def test_earlier_turns_reach_the_model(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    first = turn_event(db, "regulations", "출장비 규정에 대해 물어볼게요")
    scripted("네, 말씀하세요.")
    run_worker(first, domain_worker("regulations"))
    second = turn_event(db, "regulations", "숙박비는요?")
    # Moved into the first turn's conversation, as the turn that follows it (turns form a tree).
    db.execute(
        "UPDATE messages SET conversation_id = :c::uuid, previous_turn_id = :p::uuid WHERE turn_id = :t::uuid",
        {"c": first["conversation_id"], "t": second["turn_id"], "p": first["turn_id"]},
    )
    second["conversation_id"] = first["conversation_id"]
    model = scripted("서울은 12만원입니다.")

    run_worker(second, domain_worker("regulations"))

    assert [m.content for m in model.requests[0].messages] == [
        "출장비 규정에 대해 물어볼게요",
        "네, 말씀하세요.",
        "숙박비는요?",
    ]


# --- when there is nothing to call -----------------------------------------------------------


@pytest.mark.parametrize("agent", ["regulations", "legal", "accounting", "tax"])
def test_an_agent_without_a_configuration_says_so_and_what_an_admin_must_do(db, aws, scripted, agent) -> None:
    model = scripted()  # any model call would fail the test: the script is empty
    event = turn_event(db, agent, "부가세 신고 기한이 언제인가요?", admin=True)

    run_worker(event, domain_worker(agent))

    stored = answer_of(db, event)
    assert "아직 설정되지 않았습니다" in stored.content
    assert f"PUT /api/admin/agents/{agent}/mcp" in stored.content
    assert stored.status == "completed" and stored.model_used is None
    assert stored.metadata["mcp"]["status"] == "not_configured"
    assert model.requests == []
    assert streamed_text(event) == stored.content


def test_an_employee_is_told_to_ask_an_admin_without_the_admin_api(db, aws, scripted) -> None:
    model = scripted()
    event = turn_event(db, "tax", "부가세 신고 기한이 언제인가요?")

    run_worker(event, domain_worker("tax"))

    stored = answer_of(db, event)
    assert "아직 설정되지 않았습니다" in stored.content and "관리자에게 문의해 주세요" in stored.content
    assert "/api/admin" not in stored.content and "config_data" not in stored.content
    assert streamed_text(event) == stored.content
    assert model.requests == []


def test_an_english_question_gets_the_explanation_in_english(db, aws, scripted) -> None:
    scripted()
    event = turn_event(db, "legal", "Can we terminate this NDA early?")
    run_worker(event, domain_worker("legal"))
    assert answer_of(db, event).content.startswith("**The Legal agent is not set up yet.**")


def test_a_switched_off_configuration_counts_as_none(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    agent_configs.deactivate(db, agent_type="regulations")
    scripted()
    event = turn_event(db, "regulations")

    run_worker(event, domain_worker("regulations"))

    assert answer_of(db, event).metadata["mcp"]["status"] == "not_configured"


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
def test_an_unreachable_server_is_explained_without_calling_a_model(
    db, aws, scripted, http_server, admin: bool
) -> None:
    # The server wants a bearer token this configuration does not send.
    configure(
        db, "regulations", {"name": "regs-http", "transport": "streamable_http", "url": http_server["url"]}
    )
    model = scripted()
    event = turn_event(db, "regulations", admin=admin)

    run_worker(event, domain_worker("regulations"))

    stored = answer_of(db, event)
    assert "연결하지 못했습니다" in stored.content
    # The server and its error are operator detail: admins only (the metadata keeps them for support).
    assert ("`regs-http`" in stored.content) is admin
    assert ("/api/admin" in stored.content) is admin
    assert stored.metadata["mcp"]["status"] == "unavailable"
    assert stored.metadata["mcp"]["problems"][0]["server"] == "regs-http"
    assert model.requests == []


def test_a_stdio_command_that_does_not_exist_is_a_problem_not_a_crash(db, aws, scripted) -> None:
    configure(
        db,
        "tax",
        {"name": "missing", "transport": "stdio", "command": "/nonexistent/tax-mcp"},
        {**STDIO_SERVER, "name": "regs"},
    )
    model = scripted("세무 관련 규정은 찾지 못했습니다.")
    event = turn_event(db, "tax")

    run_worker(event, domain_worker("tax"))

    # The working server's tools are offered; the missing one is reported with the answer.
    assert {t.name for t in model.requests[0].tools} == {
        "search_regulations",
        "get_article",
        "list_documents",
    }
    problems = answer_of(db, event).metadata["mcp"]["problems"]
    assert problems[0]["server"] == "missing" and "FileNotFoundError" in problems[0]["error"]


def test_stdio_servers_are_not_started_when_the_deployment_forbids_them(
    db, aws, scripted, monkeypatch
) -> None:
    configure(db, "regulations", STDIO_SERVER)
    monkeypatch.setenv("PORTAL_ENVIRONMENT", "aws")
    monkeypatch.delenv("PORTAL_MCP_ALLOW_STDIO")
    from portal.settings import reset_settings

    reset_settings()
    model = scripted()
    event = turn_event(db, "regulations", admin=True)

    run_worker(event, domain_worker("regulations"))

    stored = answer_of(db, event)
    assert stored.metadata["mcp"]["status"] == "unavailable"
    assert "stdio servers are disabled in AWS" in stored.content
    assert model.requests == []


def test_an_invalid_stored_configuration_is_explained(db, aws, scripted) -> None:
    configure(db, "accounting", STDIO_SERVER)
    db.execute('UPDATE agent_mcp_configs SET config_data = \'{"servers": "oops"}\'::jsonb')
    scripted()
    event = turn_event(db, "accounting")

    run_worker(event, domain_worker("accounting"))

    stored = answer_of(db, event)
    assert stored.metadata["mcp"]["status"] == "misconfigured"
    assert "설정이 올바르지 않습니다" in stored.content


def test_only_allowed_tools_are_offered_and_a_missing_one_is_reported(db, aws, scripted) -> None:
    configure(db, "regulations", {**STDIO_SERVER, "allowed_tools": ["get_article", "search_laws"]})
    model = scripted("조문을 알려 주시면 찾아보겠습니다.")
    event = turn_event(db, "regulations")

    run_worker(event, domain_worker("regulations"))

    assert [t.name for t in model.requests[0].tools] == ["get_article"]
    problems = answer_of(db, event).metadata["mcp"]["problems"]
    assert problems == [{"server": "regulations", "error": "allowed tool 'search_laws' is not offered"}]


# --- no model that can call tools: the offline fallback --------------------------------------


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
def test_offline_the_agent_searches_with_the_question_and_shows_the_results(db, aws, admin: bool) -> None:
    configure(db, "regulations", STDIO_SERVER)  # no keys: the real offline provider is the only model
    event = turn_event(db, "regulations", admin=admin)

    run_worker(event, domain_worker("regulations"))

    stored = answer_of(db, event)
    assert stored.content.startswith("[오프라인 모드]")
    assert "`regulations` 서버의 `search_regulations` 검색 결과" in stored.content
    assert "- **출장비 규정 제7조** (숙박비)" in stored.content
    # How to connect a model is for admins; employees are told whom to ask.
    assert ("ANTHROPIC_API_KEY" in stored.content) is admin
    assert ("관리자에게 문의해 주세요" in stored.content) is not admin
    assert stored.model_used == "offline" and stored.metadata["mcp"]["status"] == "offline"
    assert stored.metadata["citations"][0]["section"] == "제7조"
    [log] = tool_calls.list_calls(db, turn_id=event["turn_id"])
    assert (log.tool, log.ok) == ("search_regulations", True)


def test_offline_without_a_search_like_tool_the_answer_says_nothing_was_looked_up(db, aws) -> None:
    configure(db, "regulations", {**STDIO_SERVER, "allowed_tools": ["get_article", "list_documents"]})
    event = turn_event(db, "regulations")

    run_worker(event, domain_worker("regulations"))

    stored = answer_of(db, event)
    assert "검색어 하나로 호출할 수 없어" in stored.content
    assert tool_calls.list_calls(db, turn_id=event["turn_id"]) == []


# --- the Lambda handlers ---------------------------------------------------------------------


@pytest.mark.parametrize("agent", ["regulations", "legal", "accounting", "tax"])
def test_each_agent_handler_answers_a_turn_through_its_lambda_entry_point(db, aws, agent) -> None:
    from portal.local.functions import invoke

    configure(db, agent, STDIO_SERVER)
    event = turn_event(db, agent)

    result, error = invoke(f"portal-worker-{agent}", event)

    assert error is None, result
    assert result["agent"] == agent and result["model"] == "offline"
    assert answer_of(db, event).content.startswith("[오프라인 모드]")


@pytest.mark.skipif(
    not {"regulations", "legal", "accounting", "tax"} <= set(WORKERS),
    reason="the chat state machine does not route to the domain agents yet (lead wires them)",
)
def test_the_domain_agents_answer_through_the_local_target(target) -> None:
    import httpx
    from websockets.sync.client import connect

    from tests.conftest import make_token

    token = make_token("A0001", "관리자", admin=True)  # admins hold every restricted agent
    with httpx.Client(
        base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as http:
        body = {"name": "사내 규정", "config_data": {"servers": [STDIO_SERVER]}}
        assert http.put("/api/admin/agents/regulations/mcp", json=body).status_code == 200
        with connect(f"{target.ws_url}?token={token}") as ws:
            conversation = http.post("/api/conversations", json={}).json()
            turn_id = http.post(
                f"/api/conversations/{conversation['id']}/messages",
                json={"content": QUESTION, "agent": "regulations"},
            ).json()["turn_id"]
            streamed = []
            while not streamed or streamed[-1]["type"] not in ("done", "error"):
                frame = json.loads(ws.recv(timeout=120))  # one event, or several (an array)
                for event in frame if isinstance(frame, list) else [frame]:
                    if event.get("turn_id") == turn_id:
                        streamed.append(event)
        assert streamed[-1]["type"] == "done" and streamed[-1]["agent"] == "regulations"
        stored = http.get(f"/api/conversations/{conversation['id']}/messages").json()["items"][-1]
        assert stored["content"] == "".join(e.get("text", "") for e in streamed)
        assert stored["content"].startswith("[오프라인 모드]") and "출장비 규정 제7조" in stored["content"]
        for agent in ("legal", "accounting", "tax"):
            conversation = http.post("/api/conversations", json={}).json()
            reply = http.post(
                f"/api/conversations/{conversation['id']}/messages?wait=true",
                json={"content": "질문이 있습니다", "agent": agent},
            ).json()
            assert reply["agent_type"] == agent and "아직 설정되지 않았습니다" in reply["content"]


def test_re_running_an_answered_turn_calls_no_tools_again(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    scripted(search("숙박비"), "서울은 12만원입니다.")
    event = turn_event(db, "regulations")
    first = run_worker(event, domain_worker("regulations"))

    again = run_worker(event, domain_worker("regulations"))  # Express ran the task twice

    assert again["message_id"] == first["message_id"]
    assert len(tool_calls.list_calls(db, turn_id=event["turn_id"])) == 1


def test_no_stdio_server_outlives_the_turn(db, aws, scripted) -> None:
    configure(db, "regulations", STDIO_SERVER)
    scripted(search("숙박비"), "끝")
    before = _server_processes()

    run_worker(turn_event(db, "regulations"), domain_worker("regulations"))

    assert _server_processes() == before


def _server_processes() -> set[int]:
    """PIDs of running regulations servers started by this test process (stdio children)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        mine = int(stat[1]) == os.getpid() and stat[0] != "Z"  # a live child of this test process
        if mine and str(SERVER).encode() in cmdline and b"--http" not in cmdline:
            found.add(int(entry.name))
    return found
