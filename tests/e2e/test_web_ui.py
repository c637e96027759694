"""The built web UI (web/dist) in headless Chromium against the whole local target.

Drives what an employee does: sign in on the local issuer's login page, chat and watch the answer stream in
(also across a socket cut mid-turn: reconnect + `resume`), upload a file, watch it reach
"completed" and ask about it (file citations), create a workspace and see their presence.
Skipped (with the reason) where the browser or the built UI is missing; everywhere else a
broken UI fails. The UI under test is whatever web/dist holds: build it first (`make web`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.chromium import CHROMIUM, TIMEOUT_MS, launched_chromium, sign_in_on_issuer, wait_for_chat

pytestmark = pytest.mark.integration

WEB_INDEX = REPO / "web" / "dist" / "index.html"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
if not WEB_INDEX.exists():
    pytest.skip(f"{WEB_INDEX} is missing: build the UI first (make web)", allow_module_level=True)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launched_chromium() as b:
        yield b


def _login(p, base_url: str) -> None:
    p.goto(base_url + "/")  # the UI redirects to the local issuer's login page
    sign_in_on_issuer(p)
    # The socket must be up before a turn starts, or the answer only arrives by polling.
    wait_for_chat(p)


@pytest.fixture
def new_page(browser):
    """A fresh browser context's page (not logged in); uncaught page errors fail the test."""
    context = browser.new_context(locale="ko-KR")
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def page(new_page, target):
    """Signed in through the local issuer's login page on the local target."""
    _login(new_page, target.base_url)
    return new_page


def test_chat_streams_the_offline_answer_with_its_route_line(page) -> None:
    expect = sync_api.expect
    box = page.get_by_role("textbox", name="메시지 입력")
    box.fill("안녕하세요")
    box.press("Enter")

    expect(page.locator(".msg-user .user-text", has_text="안녕하세요")).to_be_visible()
    answer = page.locator(".msg-assistant:not(.streaming)").last
    expect(answer).to_contain_text("오프라인")
    # The stored reply carries the agent and model, and "왜 이 에이전트?" in plain Korean.
    meta = answer.locator('[data-testid="meta"]')
    expect(meta).to_be_visible()
    expect(meta).to_contain_text("왜 이 에이전트?")
    expect(page.locator(".banner-error")).to_have_count(0)


def test_upload_reaches_completed_and_a_workspace_is_created(page, tmp_path: Path) -> None:
    expect = sync_api.expect
    note = tmp_path / "휴가규정.md"
    note.write_text("# 휴가 규정\n\n연차 휴가는 입사 1년 후 15일이 주어집니다.\n", encoding="utf-8")

    page.get_by_role("button", name="내 파일").click()
    panel = page.get_by_role("region", name="내 파일")
    panel.get_by_label("파일 업로드").set_input_files(str(note))
    row = panel.locator('[data-testid="file-row"]', has_text="휴가규정.md")
    expect(row).to_be_visible()
    # Local ingest embeds with MiniLM on the CPU: allow it some time.
    expect(row).to_have_attribute("data-status", "completed", timeout=45_000)
    expect(row.locator('[data-testid="file-status"]')).to_have_text("완료")

    # Attach it and ask: the turn goes to the RAG worker, whose answer cites the file.
    row.get_by_role("button", name="첨부").click()
    expect(page.locator(".attach-chip", has_text="휴가규정.md")).to_be_visible()
    box = page.get_by_role("textbox", name="메시지 입력")
    box.fill("연차 휴가는 며칠인가요?")
    box.press("Enter")
    answer = page.locator(".msg-assistant:not(.streaming)").last
    expect(answer.locator('[data-testid="file-citations"]')).to_contain_text(
        "출처: 휴가규정.md", timeout=30_000
    )

    ws = page.get_by_role("region", name="워크스페이스", exact=True)
    ws.get_by_role("button", name="+ 만들기").click()
    page.get_by_label("워크스페이스 이름").fill("기획팀 자료")
    page.get_by_role("button", name="생성", exact=True).click()
    expect(page.locator(".ws-title", has_text="기획팀 자료")).to_be_visible()
    panel = page.locator('[data-testid="workspace-panel"]')
    expect(panel).to_contain_text("기획팀 자료")
    # The join was answered with presence: the user sees themself in the workspace.
    expect(panel.locator('[data-testid="presence"]')).to_contain_text("홍길동")
    expect(page.locator(".banner-error")).to_have_count(0)


def test_a_socket_dropped_mid_turn_resumes_and_the_answer_completes(new_page, target) -> None:
    """The first socket is cut right after the turn's first chunk: the UI reconnects, sends
    `resume` from the last seq it has, and the server replays the rest and the `done`."""
    expect = sync_api.expect
    connections: list[dict] = []

    def route(ws) -> None:
        server = ws.connect_to_server()
        conn: dict = {"sent": [], "received": [], "cut": False}
        connections.append(conn)
        first = len(connections) == 1

        def to_page(message: str | bytes) -> None:
            if conn["cut"]:
                return
            frames = json.loads(message)
            frames = frames if isinstance(frames, list) else [frames]
            conn["received"].extend(frames)
            ws.send(message)
            if first and any(f.get("type") == "chunk" for f in frames):
                conn["cut"] = True  # drop the connection as a flaky network would
                ws.close(code=4000, reason="test cut")
                server.close()

        def to_server(message: str | bytes) -> None:
            conn["sent"].append(json.loads(message))
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    new_page.route_web_socket(re.compile(r"/ws(\?|$)"), route)
    _login(new_page, target.base_url)
    box = new_page.get_by_role("textbox", name="메시지 입력")
    box.fill("안녕하세요")
    box.press("Enter")

    answer = new_page.locator(".msg-assistant:not(.streaming)").last
    expect(answer).to_contain_text("오프라인")
    expect(answer.locator('[data-testid="meta"]')).to_be_visible()
    assert len(connections) >= 2, "the UI did not reconnect after the cut"
    cut = connections[0]
    first_chunk = next(f for f in cut["received"] if f.get("type") == "chunk")
    turn_id = first_chunk["turn_id"]
    resumes = [f for c in connections[1:] for f in c["sent"] if f.get("action") == "resume"]
    assert resumes, "no resume was sent after reconnecting"
    assert resumes[0]["turn_id"] == turn_id
    assert resumes[0]["after_seq"] >= first_chunk["seq"]
    after = [f for c in connections[1:] for f in c["received"] if f.get("turn_id") == turn_id]
    # The server answered the resume: the missing chunks (if any) and then the closing `done`.
    assert any(f.get("type") == "done" for f in after), after
    assert not [f for f in after if f.get("type") == "error"], after
    seqs = [f["seq"] for f in after if f.get("type") == "chunk"]
    start = resumes[0]["after_seq"] + 1
    assert seqs == list(range(start, start + len(seqs))), seqs  # each once, in order, no gap
    expect(new_page.locator(".banner-error")).to_have_count(0)
