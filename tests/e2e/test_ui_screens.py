"""Every screen of the built web UI at 1440x900 and 390x844, as a Korean-speaking employee sees it.

One local target and one Chromium for the whole module (each test opens its own browser
context and signs in as its own employee). On every screen — chat with an answer and its
"왜 이 에이전트?" disclosure, the conversation list, the files panel, a workspace, settings —
the tests assert that the page does not scroll sideways at 390 px and that no English
sentence reaches the screen outside code, file names, model names and what the user typed.
Screenshots go to .local/screenshots/ui-*.png (the README's "Web UI" section names the folder).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LOCAL_ENV, REPO, TEMPLATE_DB
from tests.e2e.chromium import CHROMIUM, TIMEOUT_MS, launched_chromium, sign_in_on_issuer, wait_for_chat

pytestmark = pytest.mark.integration

WEB_INDEX = REPO / "web" / "dist" / "index.html"
SCREENSHOTS = REPO / ".local" / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"1440x900": DESKTOP, "390x844": PHONE}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
if not WEB_INDEX.exists():
    pytest.skip(f"{WEB_INDEX} is missing: build the UI first (make web)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect

# Text nodes inside these are exempt from the English check: code, and names that are what
# they are (model names, file names, what the user typed, conversation titles).
VERBATIM = "code, pre, kbd, .model-name, .model-button, .file-name, .attach-name, .user-text, .conv-title, .topbar-title"
# Three or more English words in a row (a sentence or a phrase of one), not counting
# upper-case identifiers such as ANTHROPIC_API_KEY.
ENGLISH_SENTENCE = r"\b[A-Za-z][a-z']+(?:[ ,:;-]+[A-Za-z][a-z']+){2,}"

_ENGLISH_JS = """([verbatim, pattern]) => {
  const re = new RegExp(pattern, 'g');
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(verbatim)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.closest('[hidden], script, style, noscript')) continue;
    if (!el.getClientRects().length) continue;
    const hits = (n.textContent || '').match(re);
    if (hits) found.push(...hits);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (el.closest(verbatim)) continue;
    for (const attr of ['aria-label', 'title', 'placeholder']) {
      const hits = (el.getAttribute(attr) || '').match(re);
      if (hits) found.push(...hits);
    }
  }
  return found;
}"""

_OVERFLOW_JS = """() => ({
  scroll: document.documentElement.scrollWidth,
  body: document.body.scrollWidth,
  view: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter((el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && s.visibility !== 'hidden' && s.display !== 'none' && r.right > window.innerWidth + 1
        && !el.closest('.sidebar:not(.open)') && s.position !== 'fixed';
    })
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
})"""


@pytest.fixture(autouse=True)
def _isolated_env() -> None:
    """Overrides the suite's per-test environment reset: the module's one target owns the
    environment (ui_target isolates it once, for the module)."""


@pytest.fixture(scope="module")
def ui_target(pg_server: Any) -> Iterator[Any]:
    """One local target over one database for the whole module, in a clean local environment."""
    from portal import services
    from portal.local.target import LocalTarget

    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.psql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}";')
    url = pg_server.get_uri(name)
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("PORTAL_") and key != "PORTAL_LOCAL_DATA_DIR" or key.endswith("_API_KEY"):
                mp.delenv(key, raising=False)
        for key, value in LOCAL_ENV.items():
            mp.setenv(key, value)
        mp.setenv("DATABASE_URL", url)
        services.reset()
        with LocalTarget(database_url=url, extra_env={"POWERTOOLS_LOG_LEVEL": "WARNING"}) as running:
            yield running
        services.reset()
    pg_server.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as b:
        yield b


def _signed_in(browser: Any, target: Any, size: dict[str, int], *, empno: str, name: str) -> Any:
    context = browser.new_context(locale="ko-KR", viewport=size)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors  # checked by _close
    page.goto(target.base_url + "/")
    sign_in_on_issuer(page, empno=empno, name=name)
    wait_for_chat(page)
    return page


def _close(page: Any) -> None:
    errors = page.errors
    page.context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def check_screen(
    page: Any, label: str, name: str, *, prefix: str = "ui", exempt: str = "", full_page: bool = False
) -> None:
    """No sideways scroll at phone width, no English sentence (outside VERBATIM and ``exempt``,
    more selectors whose text is the user's own), and a screenshot ``<prefix>-<name>-<label>.png``.
    Every e2e module checks its screens with this one function."""
    page.wait_for_timeout(250)  # let transitions settle
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{prefix}-{name}-{label}.png"), full_page=full_page)
    verbatim = f"{VERBATIM}, {exempt}" if exempt else VERBATIM
    english = page.evaluate(_ENGLISH_JS, [verbatim, ENGLISH_SENTENCE])
    assert not english, f"{prefix} {name} at {label}: English reached a Korean user's screen: {english}"
    if page.viewport_size["width"] <= PHONE["width"]:
        o = page.evaluate(_OVERFLOW_JS)
        assert o["scroll"] <= o["view"] and o["body"] <= o["view"], (
            f"{prefix} {name} at {label} scrolls sideways: {o}"
        )


def _ask(page: Any, text: str) -> Any:
    answers = page.locator(".msg-assistant:not(.streaming)")
    before = answers.count()
    box = page.get_by_role("textbox", name="메시지 입력")
    box.fill(text)
    box.press("Enter")
    expect(answers).to_have_count(before + 1, timeout=30_000)
    return answers.last


@pytest.mark.parametrize("label", list(SIZES))
def test_every_screen_is_korean_and_fits(browser: Any, ui_target: Any, label: str) -> None:
    size = SIZES[label]
    phone = size is PHONE
    page = _signed_in(browser, ui_target, size, empno=f"E2{len(label)}01", name="김민지")
    try:
        check_screen(page, label, "empty")

        # Chat: the answer explains its agent in plain Korean; the English reason stays hidden.
        answer = _ask(page, "안녕하세요, 오늘 회의 준비를 도와주세요")
        why = answer.locator('[data-testid="why-agent"]')
        expect(why).to_be_visible()
        why.locator("summary").click()
        expect(why).to_contain_text("에이전트")
        expect(answer.locator('[data-testid="route-reason"]')).to_have_count(0)
        check_screen(page, label, "chat")

        # The conversation list (a drawer on the phone).
        if phone:
            page.get_by_role("button", name="대화 목록 열기").click()
            expect(page.locator(".sidebar-open")).to_have_count(1)
            check_screen(page, label, "sidebar")
            page.mouse.click(size["width"] - 10, size["height"] // 2)  # the scrim beside the drawer
            expect(page.locator(".sidebar-open")).to_have_count(0)

        # The files panel: a sheet on the phone, whose close button is reachable.
        page.get_by_role("button", name="내 파일").click()
        expect(page.locator(".side-panels")).to_be_visible()
        check_screen(page, label, "files")
        close = page.locator(".side-panels").get_by_role("button", name="닫기").first
        close.click()  # fails when something covers it
        expect(page.locator(".side-panels")).to_have_count(0)

        # The model dropdown: the whole catalog; models without a key are disabled and say why.
        page.locator(".model-button").click()
        options = page.locator(".model-menu li")
        expect(options).to_have_count(9)  # 4 Claude + 4 Gemini + the offline model
        assert page.locator('.model-menu li[data-provider="anthropic"]').count() == 4
        assert page.locator('.model-menu li[data-provider="google"]').count() == 4
        disabled = page.locator('.model-menu li[aria-disabled="true"]')
        expect(disabled).to_have_count(8)
        expect(disabled.first).to_contain_text("연결이 설정되지 않아")
        check_screen(page, label, "models")
        page.keyboard.press("Escape")

        # The composer's controls: every toggle and the agent picker can be pressed (nothing
        # covers them: Playwright's trial click checks the point receives the events) and none
        # sits under the send button.
        send = page.locator("button.send").bounding_box()
        assert send is not None
        controls = page.locator('.toggles .toggle, select[aria-label="에이전트"]')
        assert controls.count() >= 3
        for i in range(controls.count()):
            control = controls.nth(i)
            control.click(trial=True, timeout=5_000)
            box = control.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5
            overlaps = (
                box["x"] < send["x"] + send["width"]
                and send["x"] < box["x"] + box["width"]
                and box["y"] < send["y"] + send["height"]
                and send["y"] < box["y"] + box["height"]
            )
            assert not overlaps, f"{control.inner_text()!r} sits under the send button at {label}"

        # Locked agents: shown locked, cannot be chosen.
        legal = page.locator('select[aria-label="에이전트"] option[value="legal"]')
        expect(legal).to_be_disabled()
        expect(legal).to_contain_text("잠김")

        # Settings: profile, switches, the model catalog, theme, agent access.
        page.get_by_role("button", name="설정").click()
        sheet = page.get_by_test_id("settings")
        expect(sheet).to_be_visible()
        expect(sheet).to_contain_text("김민지")
        expect(sheet.locator('[data-agent="legal"]')).to_contain_text("관리자에게 권한을 요청")
        check_screen(page, label, "settings")
        sheet.get_by_label("웹 검색").uncheck()
        expect(sheet.get_by_role("status")).to_contain_text("저장했습니다")
        sheet.get_by_label("웹 검색").check()
        sheet.get_by_role("radio", name="어둡게").check()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        check_screen(page, label, "settings-dark")
        sheet.get_by_role("radio", name="시스템 설정").check()
        sheet.get_by_role("button", name="닫기").click()

        # A workspace: the panel (a sheet on the phone).
        if phone:
            page.get_by_role("button", name="대화 목록 열기").click()
        page.locator(".ws-section").get_by_role("button", name="+ 만들기").click()
        page.get_by_role("textbox", name="워크스페이스 이름").fill("분기 계획")
        page.get_by_role("textbox", name="워크스페이스 이름").press("Enter")
        expect(page.locator(".side-panels")).to_be_visible()
        check_screen(page, label, "workspace")
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_a_workspace_mention_does_not_create_an_artifact(browser: Any, ui_target: Any, label: str) -> None:
    """'워크스페이스' in a question is not a request to produce a document (no Canvas turn)."""
    size = SIZES[label]
    page = _signed_in(browser, ui_target, size, empno=f"E23{len(label)}1", name="이서준")

    def workspaces() -> Any:
        if size is PHONE and not page.locator(".sidebar-open").count():
            page.get_by_role("button", name="대화 목록 열기").click()
        return page.locator(".ws-list")

    def close_drawer() -> None:
        if size is PHONE and page.locator(".sidebar-open").count():
            page.mouse.click(size["width"] - 10, size["height"] // 2)  # the scrim beside the drawer
            expect(page.locator(".sidebar-open")).to_have_count(0)

    try:
        answer = _ask(page, "워크스페이스에 누가 참여하고 있는지 알려줘")
        why = answer.locator('[data-testid="why-agent"]')
        why.locator("summary").click()
        expect(why).not_to_contain_text("Canvas")
        expect(answer.locator('[data-testid="meta"]')).not_to_contain_text("Canvas")
        expect(workspaces()).not_to_contain_text("내 캔버스")
        close_drawer()

        # A request to write something, with Canvas on: the personal "내 캔버스" workspace
        # it creates appears in the list without a reload.
        page.get_by_role("button", name="Canvas").click()
        _ask(page, "다음 주 워크숍 진행안 초안을 작성해줘")
        expect(workspaces()).to_contain_text("내 캔버스")
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_the_owner_invites_a_colleague_who_sees_the_workspace_live(
    browser: Any, ui_target: Any, label: str
) -> None:
    """Two browser contexts: the owner finds a colleague by name, invites them, changes the
    role and removes them; the colleague's open tab follows each step without a reload."""
    size = SIZES[label]
    phone = size is PHONE
    suffix = "1" if phone else "2"
    colleague = _signed_in(browser, ui_target, size, empno=f"E40{suffix}1", name=f"박지훈{suffix}")
    owner = _signed_in(browser, ui_target, size, empno=f"E40{suffix}2", name=f"최유나{suffix}")
    try:
        title = f"신규 서비스 기획 {label}"
        if phone:
            owner.get_by_role("button", name="대화 목록 열기").click()
        owner.locator(".ws-section").get_by_role("button", name="+ 만들기").click()
        owner.get_by_role("textbox", name="워크스페이스 이름").fill(title)
        owner.get_by_role("textbox", name="워크스페이스 이름").press("Enter")
        members = owner.get_by_test_id("members")
        expect(members).to_be_visible()

        members.get_by_role("searchbox", name="이름이나 사번으로 동료 찾기").fill(f"박지훈{suffix}")
        members.get_by_role("button", name="초대").click()
        expect(members.locator(f'[data-empno="E40{suffix}1"]')).to_be_visible()
        check_screen(owner, label, "members")

        # The colleague's tab: the workspace appears without a reload, with a Korean notice.
        if phone:
            colleague.get_by_role("button", name="대화 목록 열기").click()
        expect(colleague.locator(".ws-list")).to_contain_text(title, timeout=10_000)
        expect(colleague.locator(".banner")).to_contain_text("초대되었습니다")
        check_screen(colleague, label, "invited")

        # The owner makes them a viewer, then removes them: the workspace goes from their list.
        members.get_by_label(f"박지훈{suffix}의 권한").select_option("viewer")
        expect(members.get_by_label(f"박지훈{suffix}의 권한")).to_have_value("viewer")
        members.get_by_role("button", name=f"박지훈{suffix} 내보내기").click()
        expect(members.locator(f'[data-empno="E40{suffix}1"]')).to_have_count(0)
        expect(colleague.locator(".ws-list")).not_to_contain_text(title, timeout=10_000)
    finally:
        _close(owner)
        _close(colleague)


@pytest.mark.parametrize("label", list(SIZES))
def test_a_member_sees_the_owner_s_workspace_conversation_appear_and_reads_it(
    browser: Any, ui_target: Any, label: str
) -> None:
    """Two browser contexts: the owner asks in a workspace; the member's list gains that
    conversation live (workspace and owner shown), they open and read it, and lose it when removed."""
    size = SIZES[label]
    phone = size is PHONE
    suffix = "5" if phone else "6"
    member = _signed_in(browser, ui_target, size, empno=f"E60{suffix}1", name=f"윤서진{suffix}")
    owner = _signed_in(browser, ui_target, size, empno=f"E60{suffix}2", name=f"오민준{suffix}")
    try:
        title = f"예산 검토 {label}"
        _open_drawer_if_phone(owner, phone)
        owner.locator(".ws-section").get_by_role("button", name="+ 만들기").click()
        owner.get_by_role("textbox", name="워크스페이스 이름").fill(title)
        owner.get_by_role("textbox", name="워크스페이스 이름").press("Enter")
        members = owner.get_by_test_id("members")
        members.get_by_role("searchbox").fill(f"E60{suffix}1")
        members.get_by_role("button", name="초대").click()
        expect(members.locator(f'[data-empno="E60{suffix}1"]')).to_be_visible()
        members.get_by_label(f"윤서진{suffix}의 권한").select_option("viewer")
        expect(members.get_by_label(f"윤서진{suffix}의 권한")).to_have_value("viewer")

        _open_drawer_if_phone(member, phone)
        expect(member.locator(".ws-list")).to_contain_text(title, timeout=10_000)
        question = f"3분기 예산 검토 일정을 정리해 주세요 {label}"
        _ask(owner, question)

        shared = member.locator(".conv-list li", has_text=f"{title} · 오민준{suffix}님")
        expect(shared).to_have_count(1, timeout=10_000)
        expect(shared.get_by_role("button", name="대화 삭제")).to_have_count(0)
        shared.locator(".conv-open").click()
        expect(member.locator(".msg-user")).to_contain_text(question)
        expect(member.locator(".msg-assistant").first).to_be_visible()
        expect(member.locator(".read-only-note")).to_contain_text(f"오민준{suffix}님의 대화입니다")
        check_screen(member, label, "shared-conversation")

        # Removed from the workspace: the conversation leaves the member's list at once.
        members.get_by_role("button", name=f"윤서진{suffix} 내보내기").click()
        expect(member.locator(".read-only-note")).to_have_count(0, timeout=10_000)
        expect(member.locator(".conv-list")).not_to_contain_text(title, timeout=10_000)
    finally:
        _close(owner)
        _close(member)


def _open_drawer_if_phone(page: Any, phone: bool) -> None:
    if phone:
        page.get_by_role("button", name="대화 목록 열기").click()


def _edit(page: Any, text: str) -> None:
    viewer = page.get_by_test_id("artifact-viewer")
    viewer.get_by_role("button", name="편집", exact=True).click()
    viewer.get_by_role("textbox", name="아티팩트 내용").fill(text)
    viewer.get_by_role("button", name="저장", exact=True).click()
    expect(viewer.get_by_role("textbox", name="아티팩트 내용")).to_have_count(0)


@pytest.mark.parametrize("label", list(SIZES))
def test_artifacts_are_renamed_compared_restored_and_edited_live(
    browser: Any, ui_target: Any, label: str
) -> None:
    size = SIZES[label]
    phone = size is PHONE
    suffix = "3" if phone else "4"
    colleague = _signed_in(browser, ui_target, size, empno=f"E50{suffix}1", name=f"정하늘{suffix}")
    owner = _signed_in(browser, ui_target, size, empno=f"E50{suffix}2", name=f"한지민{suffix}")
    try:
        title = f"워크숍 {label}"
        _open_drawer_if_phone(owner, phone)
        owner.locator(".ws-section").get_by_role("button", name="+ 만들기").click()
        owner.get_by_role("textbox", name="워크스페이스 이름").fill(title)
        owner.get_by_role("textbox", name="워크스페이스 이름").press("Enter")
        members = owner.get_by_test_id("members")
        members.get_by_role("searchbox").fill(f"E50{suffix}1")
        members.get_by_role("button", name="초대").click()
        expect(members.locator(f'[data-empno="E50{suffix}1"]')).to_be_visible()

        # Owner: a new document, renamed, then two versions of content.
        owner.get_by_test_id("workspace-panel").get_by_role("button", name="+ 새 문서").click()
        viewer = owner.get_by_test_id("artifact-viewer")
        viewer.get_by_role("button", name="이름 바꾸기").click()
        viewer.get_by_role("textbox", name="문서 이름").fill("진행안")
        viewer.get_by_role("textbox", name="문서 이름").press("Enter")
        expect(viewer.locator(".artifact-title-text")).to_have_text("진행안")
        expect(owner.locator(".banner, .artifact-notice").first).to_be_visible()
        _edit(owner, "# 진행안\n첫째 날: 소개")
        expect(viewer).to_contain_text("버전 3")

        # The colleague opens the workspace and the document; the owner's next save shows live.
        _open_drawer_if_phone(colleague, phone)
        expect(colleague.locator(".ws-list")).to_contain_text(title, timeout=10_000)
        colleague.locator(".ws-list").get_by_text(title).click()
        colleague.get_by_test_id("workspace-panel").get_by_role("button", name="진행안").click()
        theirs = colleague.get_by_test_id("artifact-viewer")
        expect(theirs).to_contain_text("첫째 날: 소개")
        _edit(owner, "# 진행안\n첫째 날: 소개와 목표\n둘째 날: 실습")
        expect(theirs.locator(".artifact-notice")).to_contain_text(
            f"한지민{suffix}님이 버전 4를 저장했습니다"
        )
        expect(theirs).to_contain_text("둘째 날: 실습")

        # Owner: open version 3, compare it with the current one, restore it as version 5.
        if not phone:
            owner.get_by_role("button", name="넓게 보기").click()
            expect(owner.locator(".layout.canvas-wide")).to_have_count(1)
        viewer.get_by_role("button", name="버전 3 보기").click()
        old = owner.get_by_test_id("artifact-version")
        expect(old).to_contain_text("첫째 날: 소개")
        old.get_by_role("button", name="현재 버전과 비교").click()
        diff = owner.get_by_test_id("artifact-diff")
        expect(diff.locator(".diff-del").first).to_contain_text("첫째 날: 소개")
        expect(diff.locator(".diff-add").last).to_contain_text("둘째 날: 실습")
        check_screen(owner, label, "canvas-diff")
        old.get_by_role("button", name="이 버전으로 복원").click()
        expect(viewer.locator(".artifact-notice")).to_contain_text("버전 3의 내용으로 버전 5를 만들었습니다")
        expect(viewer.locator(".artifact-body")).not_to_contain_text("둘째 날")
        expect(theirs.locator(".artifact-body")).not_to_contain_text("둘째 날", timeout=10_000)
        check_screen(colleague, label, "canvas-live")
    finally:
        _close(owner)
        _close(colleague)


_UNCOVERED_JS = """el => {
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && el.contains(hit);
}"""


def test_on_a_phone_the_workspace_is_a_sheet_that_leaves_the_composer_usable(
    browser: Any, ui_target: Any
) -> None:
    """390x844: an open workspace is a sheet from the top edge, so the composer below it stays
    visible and sends a question while the workspace is open; the sheet's close button stays in
    view when its content scrolls; "넓게 보기" makes it the whole screen; Escape closes a sheet; nothing scrolls sideways."""
    label = "390x844"
    page = _signed_in(browser, ui_target, PHONE, empno="E7001", name="서지우")
    try:
        page.get_by_role("button", name="대화 목록 열기").click()
        page.locator(".ws-section").get_by_role("button", name="+ 만들기").click()
        page.get_by_role("textbox", name="워크스페이스 이름").fill("모바일 회의")
        page.get_by_role("textbox", name="워크스페이스 이름").press("Enter")
        panel = page.get_by_test_id("workspace-panel")
        sheet = page.locator(".side-panels")
        expect(panel).to_be_visible()
        expect(page.locator(".sidebar-open")).to_have_count(0)  # the drawer made way for the sheet

        # The composer is below the sheet, not under it.
        box = page.get_by_role("textbox", name="메시지 입력")
        send = page.get_by_role("button", name="전송")
        expect(send).to_be_visible()
        s, c = sheet.bounding_box(), page.locator(".composer").bounding_box()
        assert s is not None and c is not None
        assert s["y"] + s["height"] <= c["y"], f"the sheet {s} covers the composer {c}"
        assert c["y"] + c["height"] <= PHONE["height"], f"the composer {c} is off screen"
        box.click()
        box.fill("모바일에서 회의 안건을 정리해 주세요")
        assert send.evaluate(_UNCOVERED_JS), "something covers the send button"
        answers = page.locator(".msg-assistant:not(.streaming)")
        send.click()  # Playwright refuses a click on a covered element
        expect(answers).to_have_count(1, timeout=30_000)
        expect(panel).to_be_visible()  # answered while the workspace stayed open
        check_screen(page, label, "workspace-sheet")

        # Scrolled to its end, the sheet still shows its title and close button.
        close = panel.get_by_role("button", name="워크스페이스 닫기")
        sheet.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        expect(close).to_be_in_viewport()
        assert close.evaluate(_UNCOVERED_JS), "the sheet's close button is covered"

        # The wide canvas is the whole screen on a phone; narrow again gives the composer back.
        panel.get_by_role("button", name="넓게 보기").click()
        expect(page.locator(".layout.canvas-wide")).to_have_count(1)
        w = sheet.bounding_box()
        assert w is not None and w["y"] <= 0 and w["height"] >= PHONE["height"] - 1, w
        check_screen(page, label, "workspace-sheet-wide")
        panel.get_by_role("button", name="좁게 보기").click()
        assert send.evaluate(_UNCOVERED_JS)

        close.click()
        expect(sheet).to_have_count(0)
        expect(send).to_be_visible()
        check_screen(page, label, "workspace-sheet-closed")

        # Escape closes a sheet too, as it closes a dialog.
        page.get_by_role("button", name="내 파일").click()
        expect(sheet).to_be_visible()
        page.keyboard.press("Escape")
        expect(sheet).to_have_count(0)
    finally:
        _close(page)


def test_the_one_palette_serves_the_system_dark_mode_and_the_chosen_theme(
    browser: Any, ui_target: Any
) -> None:
    """The palette is declared once (light-dark()): the system's dark mode darkens the page,
    code highlighting included, and a theme chosen in settings overrides the system either way."""
    context = browser.new_context(locale="ko-KR", viewport=DESKTOP, color_scheme="dark")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(ui_target.base_url + "/")
        sign_in_on_issuer(page, empno="E7101", name="문가은")
        wait_for_chat(page)
        background = "() => getComputedStyle(document.body).backgroundColor"
        keyword = """() => {
          const span = document.createElement('span');
          span.className = 'hljs-keyword';
          document.body.append(span);
          const colour = getComputedStyle(span).color;
          span.remove();
          return colour;
        }"""
        assert page.evaluate(background) == "rgb(21, 23, 28)"  # the system is dark: dark palette
        assert page.evaluate(keyword) == "rgb(198, 120, 221)"
        page.evaluate("document.documentElement.dataset.theme = 'light'")
        assert page.evaluate(background) == "rgb(247, 248, 250)"  # chosen light beats the system
        assert page.evaluate(keyword) == "rgb(166, 38, 164)"
        page.emulate_media(color_scheme="light")
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        assert page.evaluate(background) == "rgb(21, 23, 28)"  # chosen dark beats a light system
        page.evaluate("delete document.documentElement.dataset.theme")
        assert page.evaluate(background) == "rgb(247, 248, 250)"
    finally:
        context.close()
