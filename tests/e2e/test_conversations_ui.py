"""Conversations in the browser at 1440x900 and 390x844: the "대화" heading over date groups,
addresses that survive a reload, rename, Korean search with highlighted hits, Markdown export,
older pages, and a read-only share between two browser contexts that stops when revoked.
Screenshots: .local/screenshots/convs-<screen>-<size>.png.
"""

# The module reuses test_ui_screens' fixtures (one target and one Chromium per module),
# imported by name: test parameters of the same names are how pytest uses them.
# ruff: noqa: F811

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.e2e.test_ui_screens import (  # noqa: F401  (fixtures used by name)
    PHONE,
    SCREENSHOTS,
    SIZES,
    _ask,
    _close,
    _isolated_env,
    _signed_in,
    browser,
    check_screen,
    expect,
    ui_target,
)

pytestmark = pytest.mark.integration


def _shot(page: Any, label: str, name: str) -> None:
    # A conversation's title (and its tooltip) is what the user typed: exempt like .conv-title.
    check_screen(page, label, name, prefix="convs", exempt=".hit-snippet, .hit-title, .conv-open")


def _drawer(page: Any, phone: bool) -> None:
    if phone and page.locator(".sidebar-open").count() == 0:
        page.get_by_role("button", name="대화 목록 열기").click()
        expect(page.locator(".sidebar-open")).to_have_count(1)


def _conversation_id(page: Any) -> str:
    expect(page).to_have_url(re.compile(r"[?&]c=[0-9a-f-]{36}"))
    found = re.search(r"[?&]c=([0-9a-f-]{36})", page.url)
    assert found is not None
    return found.group(1)


def _menu(page: Any, title: str, item: str) -> None:
    row = page.locator(".conv-list li.conv", has_text=title)
    row.get_by_role("button", name="대화 메뉴").click()
    row.get_by_role("menuitem", name=item).click()


@pytest.mark.parametrize("label", list(SIZES))
def test_list_address_rename_search_export(browser: Any, ui_target: Any, label: str) -> None:
    size = SIZES[label]
    phone = size is PHONE
    digit = "5" if phone else "6"
    page = _signed_in(browser, ui_target, size, empno=f"E71{digit}1", name="정하늘")
    try:
        _drawer(page, phone)
        expect(page.get_by_role("heading", name="대화", exact=True)).to_be_visible()
        expect(page.locator(".conv-list")).to_contain_text("대화가 없습니다")
        if phone:
            page.mouse.click(size["width"] - 10, size["height"] // 2)

        _ask(page, "부가가치세를 신고하려면 무엇이 필요한가요?")
        tax = _conversation_id(page)
        page.get_by_role("button", name="+ 새 대화").click() if not phone else None
        if phone:
            _drawer(page, phone)
            page.get_by_role("button", name="+ 새 대화").click()
        _ask(page, "다음 주 부산 출장 경비 정산 방법을 알려 주세요")
        trip = _conversation_id(page)
        assert trip != tax

        # The address survives a reload: the same conversation is open again.
        page.reload()
        expect(page.locator(".msg-user")).to_contain_text("부산 출장")
        assert _conversation_id(page) == trip

        # Date groups under the "대화" heading; rename through the conversation's menu.
        _drawer(page, phone)
        expect(page.locator(".conv-group-label").first).to_have_text("오늘")
        _menu(page, "부가가치세", "이름 바꾸기")
        page.get_by_role("textbox", name="대화 이름").fill("세금 문의")
        page.get_by_role("button", name="저장", exact=True).click()
        expect(page.locator(".conv-title", has_text="세금 문의")).to_have_count(1)
        _shot(page, label, "list")

        # Korean search: the particle of the query does not matter; the hit is marked.
        page.get_by_role("searchbox", name="대화 검색").fill("부가가치세를 신고")
        hit = page.locator(".hits .hit").first
        expect(hit).to_contain_text("세금 문의")
        expect(hit.locator("mark").first).to_have_text("부가가치세")
        _shot(page, label, "search")
        page.get_by_role("searchbox", name="대화 검색").fill("없는단어조합")
        expect(page.locator(".conv-list")).to_contain_text("들어간 대화가 없습니다")
        page.get_by_role("searchbox", name="대화 검색").fill("부가가치세")
        page.locator(".hits .hit-open").first.click()
        expect(page.locator(".msg-user")).to_contain_text("부가가치세를 신고하려면")
        assert _conversation_id(page) == tax

        # Back returns to the previous conversation (the app pushes history entries).
        page.go_back()
        expect(page.locator(".msg-user")).to_contain_text("부산 출장")
        page.go_forward()
        expect(page.locator(".msg-user")).to_contain_text("부가가치세를")

        # Export to Markdown: a download named after the title.
        _drawer(page, phone)
        page.get_by_role("searchbox", name="대화 검색").fill("")
        with page.expect_download() as download:
            _menu(page, "세금 문의", "Markdown으로 내보내기")
        assert download.value.suggested_filename == "세금 문의.md"
        text = download.value.path().read_text(encoding="utf-8")
        assert text.startswith("# 세금 문의\n") and "## 질문" in text and "## 답변" in text
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_older_conversations_come_on_demand(browser: Any, ui_target: Any, label: str) -> None:
    from portal import services
    from portal.db.repositories import conversations, users

    size = SIZES[label]
    phone = size is PHONE
    empno = f"E72{'5' if phone else '6'}1"
    users.upsert_from_claims(
        services.db(), empno=empno, name_ko="한가람", company=None, company_code="LOCAL", roles=[]
    )
    for i in range(55):
        conversations.create(
            services.db(), user_empno=empno, title=f"오래된 대화 {i:02d} {uuid.uuid4().hex[:4]}"
        )
    page = _signed_in(browser, ui_target, size, empno=empno, name="한가람")
    try:
        _drawer(page, phone)
        expect(page.locator(".conv-list li.conv")).to_have_count(50)
        page.get_by_role("button", name="이전 대화 더 보기").click()
        expect(page.locator(".conv-list li.conv")).to_have_count(55)
        expect(page.get_by_role("button", name="이전 대화 더 보기")).to_have_count(0)
        _shot(page, label, "paged")
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_a_colleague_reads_a_shared_conversation_until_it_is_revoked(
    browser: Any, ui_target: Any, label: str
) -> None:
    """Two browser contexts: the owner shares by name; the colleague opens the link, reads
    (read-only), and loses it the moment the share is revoked."""
    size = SIZES[label]
    phone = size is PHONE
    digit = "5" if phone else "6"
    colleague = _signed_in(browser, ui_target, size, empno=f"E73{digit}2", name=f"박서준{digit}")
    owner = _signed_in(browser, ui_target, size, empno=f"E73{digit}1", name=f"최유나{digit}")
    try:
        question = f"하반기 채용 계획 초안을 정리해 주세요 {label}"
        _ask(owner, question)
        conversation = _conversation_id(owner)

        _drawer(owner, phone)
        _menu(owner, "하반기 채용", "공유")
        dialog = owner.get_by_test_id("share-dialog")
        expect(dialog).to_contain_text("아직 아무와도 공유하지 않았습니다")
        dialog.get_by_role("searchbox", name="동료 검색 (이름 또는 사번)").fill(f"박서준{digit}")
        dialog.locator(".member-results li", has_text=f"박서준{digit}").get_by_role(
            "button", name="공유"
        ).click()
        expect(dialog.locator(".share-list")).to_contain_text(f"박서준{digit}")
        _shot(owner, label, "share")

        # The colleague opens the link: the conversation, read-only, names who shared it.
        colleague.goto(f"{ui_target.base_url}/?c={conversation}")
        expect(colleague.locator(".msg-user")).to_contain_text(question)
        expect(colleague.locator(".read-only-note")).to_contain_text(f"최유나{digit}님이 공유한 대화입니다")
        _drawer(colleague, phone)
        expect(colleague.locator(".conv-list li.conv", has_text="하반기 채용")).to_contain_text(
            f"최유나{digit}님이 공유함"
        )
        expect(
            colleague.locator(".conv-list li.conv", has_text="하반기 채용").get_by_role(
                "button", name="대화 삭제"
            )
        ).to_have_count(0)
        _shot(colleague, label, "shared-read")

        # Revoked: the next read is refused; a reload of the link opens nothing.
        dialog.locator(".share-list li", has_text=f"박서준{digit}").get_by_role(
            "button", name="공유 해제"
        ).click()
        expect(dialog).to_contain_text("아직 아무와도 공유하지 않았습니다")
        dialog.get_by_role("button", name="닫기").click()
        colleague.reload()
        expect(colleague.locator(".banner, [role='alert']").first).to_be_visible()
        expect(colleague.locator(".msg-user")).to_have_count(0)
        expect(colleague).not_to_have_url(re.compile(conversation))
        _drawer(colleague, phone)
        expect(colleague.locator(".conv-list")).not_to_contain_text("하반기 채용")
    finally:
        _close(owner)
        _close(colleague)


@pytest.mark.parametrize("label", list(SIZES))
def test_prompt_templates_from_the_slash_menu_personal_and_shared(
    browser: Any, ui_target: Any, label: str
) -> None:
    """The owner saves a shared template through "/" → 템플릿 관리 and inserts it with Enter;
    a colleague of the same company finds it in their own "/" menu, named by its owner."""
    size = SIZES[label]
    digit = "5" if size is PHONE else "6"
    owner = _signed_in(browser, ui_target, size, empno=f"E74{digit}1", name=f"강다온{digit}")
    colleague = _signed_in(browser, ui_target, size, empno=f"E74{digit}2", name=f"서지우{digit}")
    try:
        box = owner.get_by_role("textbox", name="메시지 입력")
        box.fill("/")
        menu = owner.get_by_test_id("template-menu")
        expect(menu).to_be_visible()
        menu.get_by_role("button", name="템플릿 관리").click()
        dialog = owner.get_by_test_id("templates-dialog")
        expect(dialog).to_contain_text("아직 만든 템플릿이 없습니다")
        name = f"주간 보고 {label}"
        dialog.get_by_label("이름").fill(name)
        dialog.get_by_label("내용").fill("이번 주 한 일과 다음 주 계획을 표로 정리해 줘")
        dialog.get_by_label("회사 동료와 공유").check()
        dialog.get_by_role("button", name="저장").click()
        expect(dialog.locator('section[aria-label="내 템플릿"]')).to_contain_text(name)
        _shot(owner, label, "templates")
        dialog.get_by_role("button", name="닫기").click()

        box.fill(f"/주간 {label}")  # every word must match: only this run's template
        expect(menu.get_by_role("option")).to_have_count(1)
        _shot(owner, label, "slash")
        box.press("Enter")
        expect(box).to_have_value("이번 주 한 일과 다음 주 계획을 표로 정리해 줘")
        expect(menu).to_have_count(0)

        # Escape closes the menu without sending; the text stays.
        box.fill("/없는템플릿")
        expect(menu).to_contain_text("맞는 템플릿이 없습니다")
        box.press("Escape")
        expect(menu).to_have_count(0)
        expect(box).to_have_value("/없는템플릿")

        # The colleague (a new page load reads the templates) sees the shared one.
        colleague.reload()
        other = colleague.get_by_role("textbox", name="메시지 입력")
        other.fill(f"/주간 {label}")
        option = colleague.get_by_test_id("template-menu").get_by_role("option", name=re.compile(name))
        expect(option).to_contain_text(f"강다온{digit}님")
        option.click()
        expect(other).to_have_value("이번 주 한 일과 다음 주 계획을 표로 정리해 줘")
    finally:
        _close(owner)
        _close(colleague)


@pytest.mark.parametrize("label", list(SIZES))
def test_code_blocks_and_a_citation_that_opens_the_pdf_at_its_page(
    browser: Any, ui_target: Any, label: str, tmp_path: Any
) -> None:
    """An answer citing page 2 of an uploaded PDF: the citation opens the file (a presigned
    GET through the S3 stand-in) in a new tab at #page=2. A code block in a message gets its
    language label, colours (highlight.js, loaded on demand) and a copy button."""
    from tests.unit.rag_samples import policy_pdf

    size = SIZES[label]
    phone = size is PHONE
    page = _signed_in(browser, ui_target, size, empno=f"E75{'5' if phone else '6'}1", name="윤하람")
    try:
        pdf = tmp_path / "refund-policy.pdf"
        pdf.write_bytes(policy_pdf())
        page.get_by_role("button", name="내 파일").click()
        panel = page.get_by_role("region", name="내 파일")
        panel.get_by_label("파일 업로드").set_input_files(str(pdf))
        row = panel.locator('[data-testid="file-row"]', has_text="refund-policy.pdf")
        # Local ingest loads MiniLM on first use; on a shared 2-core machine that takes minutes.
        expect(row).to_have_attribute("data-status", "completed", timeout=240_000)
        row.get_by_role("button", name="첨부").click()
        panel.get_by_role("button", name="닫기").first.click()

        answer = _ask(page, "How many days until refunds are paid?")
        cite = answer.locator('[data-testid="file-citations"] button', has_text="p.2")
        expect(cite).to_be_visible(timeout=30_000)
        with page.context.expect_page() as opened:
            cite.click()
        tab = opened.value
        # The tab opens inside the click (no popup blocker), then goes to the link.
        tab.wait_for_url(re.compile(r"X-Amz-Signature=.*#page=2$"))
        assert "X-Amz-Signature=" in tab.url
        served = tab.request.get(tab.url.split("#", 1)[0])
        assert served.status == 200 and served.headers["content-type"].startswith("application/pdf")
        assert served.body()[:5] == b"%PDF-"
        tab.close()

        # Code: an answer holding a fenced block (stored directly: the offline model writes no
        # code) shows its label, colours once highlight.js has loaded, and copies.
        from portal import services
        from portal.db.repositories import conversations, messages

        db = services.db()
        empno = f"E75{'5' if phone else '6'}1"
        conv = conversations.create(db, user_empno=empno, title="코드 설명")
        turn = str(uuid.uuid4())
        messages.add_user_message(db, conversation_id=conv.id, turn_id=turn, content="합계 함수", metadata={})
        messages.save_assistant_message(
            db,
            conversation_id=conv.id,
            turn_id=turn,
            content="예시입니다.\n\n```py\ndef total(items):\n    return sum(items)\n```",
            status="completed",
            agent_type="general",
            model_used="offline",
        )
        page.goto(f"{ui_target.base_url}/?c={conv.id}")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        block = page.locator(".msg-assistant .md-code-block").first
        expect(block.locator(".md-code-lang")).to_have_text("Python")
        expect(block.locator(".hljs-keyword").first).to_have_text("def")
        block.get_by_role("button", name="Python 코드 복사").click()
        expect(block.locator(".md-code-copy")).to_have_text("복사했습니다")
        assert page.evaluate("navigator.clipboard.readText()").startswith("def total(items):")
        _shot(page, label, "code-citation")
    finally:
        _close(page)
