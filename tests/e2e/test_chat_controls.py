"""Turn controls, feedback, banners and the profile in Chromium, at 1440x900 and 390x844 (issue #17).

The answers come from a slow scripted Claude installed in this process (the local target runs
the workers in-process), so a turn streams long enough to be stopped, and the catalog offers
more than one model to regenerate with. Screenshots: .local/screenshots/chat-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import make_token
from tests.e2e.chromium import TIMEOUT_MS
from tests.e2e.test_ui_screens import (  # noqa: F401  (module fixtures and helpers)
    PHONE,
    SCREENSHOTS,
    SIZES,
    _close,
    _isolated_env,
    _signed_in,
    browser,
    check_screen,
    expect,
    ui_target,
)

pytestmark = pytest.mark.integration


class SlowClaude:
    """Streams a numbered answer piece by piece, `delay` seconds apart (0: at once)."""

    name = "anthropic"
    supports_tools = True

    def __init__(self) -> None:
        self.delay = 0.0
        self.count = 0

    def stream(self, request: Any) -> Iterator[Any]:
        from portal.llm.base import Completed, TextDelta, Usage

        self.count += 1
        n = self.count
        for i in range(40 if self.delay else 3):
            if self.delay:
                time.sleep(self.delay)
            yield TextDelta(f"답변 {n}의 {i + 1}번째 문장입니다. ")
        yield Completed(Usage(120, 60), request.model_id, "end_turn")


@pytest.fixture
def claude(monkeypatch: pytest.MonkeyPatch) -> SlowClaude:
    from portal.llm import service
    from portal.llm.providers.offline import OfflineProvider

    model = SlowClaude()
    monkeypatch.setattr(service, "providers", lambda: {"anthropic": model, "offline": OfflineProvider()})
    return model


def _send(page: Any, text: str) -> None:
    box = page.get_by_role("textbox", name="메시지 입력")
    box.fill(text)
    box.press("Enter")


def _settled_answers(page: Any) -> Any:
    return page.locator(".msg-assistant:not(.streaming)")


def _shot(page: Any, label: str, name: str) -> None:
    page.wait_for_timeout(250)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"chat-{name}-{label}.png"))


@pytest.mark.parametrize("label", list(SIZES))
def test_stop_copy_regenerate_edit_and_feedback(
    browser: Any,  # noqa: F811
    ui_target: Any,  # noqa: F811
    claude: SlowClaude,
    label: str,
) -> None:
    size = SIZES[label]
    empno = f"E7{len(label)}{int(time.time()) % 1000:03d}"
    page = _signed_in(browser, ui_target, size, empno=empno, name="이서연")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ui_target.base_url)
    try:
        # Stop: the answer streams; pressing 중지 keeps what was streamed, marked stopped.
        claude.delay = 0.12
        _send(page, "회의 준비를 도와주세요")
        streaming = page.locator(".msg-assistant.streaming")
        expect(streaming).to_contain_text("2번째 문장", timeout=TIMEOUT_MS)
        _shot(page, label, "streaming")
        page.get_by_test_id("stop").click()
        stopped = page.locator('.msg-assistant[data-status="stopped"]')
        try:
            expect(stopped).to_have_count(1)
        except AssertionError:
            _shot(page, label, "debug-stop")
            raise
        expect(stopped.get_by_test_id("stopped-note")).to_have_text("사용자가 응답을 중지했습니다.")
        expect(stopped).to_contain_text("1번째 문장")
        expect(stopped).not_to_contain_text("40번째 문장")
        expect(page.get_by_test_id("stop")).to_have_count(0)  # the composer is ready again
        check_screen(page, label, "chat-stop")
        _shot(page, label, "stop")

        # Copy: the answer's text lands on the clipboard.
        claude.delay = 0
        stopped.get_by_test_id("copy").click()
        expect(stopped.get_by_test_id("copy")).to_have_attribute("aria-label", "복사했습니다")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("답변 ") and "1번째 문장입니다." in copied and "40번째" not in copied

        # Regenerate: a new answer beside the stopped one; the question shows "2 / 2".
        stopped.get_by_test_id("regenerate").click()
        answers = _settled_answers(page)
        expect(answers.last).to_contain_text("3번째 문장")
        expect(answers.last).not_to_have_attribute("data-status", "stopped")
        second = answers.last.locator(".bubble").inner_text()
        switcher = page.locator(".msg-user").last.get_by_test_id("branch-switcher")
        expect(switcher).to_contain_text("2 / 2")

        # Regenerate with another model: the meta line names it.
        page.locator(".msg-assistant").last.get_by_test_id("regenerate-model").select_option(
            "claude-haiku-4-5"
        )
        expect(answers.last.get_by_test_id("meta")).to_contain_text("Haiku")
        assert answers.last.locator(".bubble").inner_text() != second
        expect(switcher).to_contain_text("3 / 3")
        check_screen(page, label, "chat-regenerate")
        _shot(page, label, "regenerate")

        # The earlier branches stay reachable: back to the stopped answer and forward again.
        switcher.get_by_role("button", name="이전 버전").click()
        expect(switcher).to_contain_text("2 / 3")
        switcher.get_by_role("button", name="이전 버전").click()
        expect(switcher).to_contain_text("1 / 3")
        expect(page.locator('.msg-assistant[data-status="stopped"]')).to_have_count(1)
        switcher.get_by_role("button", name="다음 버전").click()
        expect(switcher).to_contain_text("2 / 3")
        expect(answers.last.locator(".bubble")).to_have_text(second)

        # Edit and resend: the question is rewritten as a new branch (4 / 4), the others stay.
        page.locator(".msg-user").last.get_by_test_id("edit").click()
        page.get_by_test_id("edit-text").fill("짧은 요약만 써 주세요")
        page.get_by_test_id("edit-send").click()
        expect(page.locator(".msg-user").last).to_contain_text("짧은 요약만 써 주세요")
        expect(switcher).to_contain_text("4 / 4")
        expect(answers.last).to_contain_text("3번째 문장")
        check_screen(page, label, "chat-edit")
        _shot(page, label, "edit")

        # Feedback: thumbs down with a comment, which an administrator can read.
        last = page.locator(".msg-assistant").last
        last.get_by_test_id("thumb-down").click()
        expect(last.get_by_test_id("thumb-down")).to_have_attribute("aria-pressed", "true")
        comment = f"요약이 너무 짧아요 {label}"
        last.get_by_test_id("feedback-comment").fill(comment)
        last.get_by_role("button", name="의견 보내기").click()
        expect(last.get_by_role("status")).to_have_text("의견을 보내 주셔서 감사합니다.")
        check_screen(page, label, "chat-feedback")
        _shot(page, label, "feedback")
        admin = {"Authorization": f"Bearer {make_token('A0001', '관리자', admin=True)}"}
        review = httpx.get(
            f"{ui_target.base_url}/api/admin/feedback?rating=down", headers=admin, timeout=30
        ).json()
        assert any(i["comment"] == comment and i["user_empno"] == empno for i in review["items"])
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_a_banner_clears_itself_when_the_server_answers_and_never_covers_a_message(
    browser: Any,  # noqa: F811
    ui_target: Any,  # noqa: F811
    claude: SlowClaude,
    label: str,
) -> None:
    size = SIZES[label]
    page = _signed_in(
        browser, ui_target, size, empno=f"E8{len(label)}{int(time.time()) % 1000:03d}", name="박준호"
    )
    try:
        _send(page, "첫 질문입니다")
        expect(_settled_answers(page)).to_have_count(1)

        # The server cannot be reached: sending fails, and the banner says so above the chat.
        page.route("**/api/conversations/**", lambda route: route.abort())
        _send(page, "두 번째 질문입니다")
        banner = page.locator(".banner-error")
        expect(banner).to_contain_text("서버에 연결할 수 없습니다")
        shown_at = time.monotonic()
        _shot(page, label, "banner")
        box, chat = banner.bounding_box(), page.locator(".chat-scroll").bounding_box()
        assert box is not None and chat is not None
        assert box["y"] + box["height"] <= chat["y"] + 1, "the banner covers the chat"

        # The server answers again: the next send succeeds and the banner goes by itself,
        # long before its 8 s auto-dismiss.
        page.unroute("**/api/conversations/**")
        page.get_by_role("textbox", name="메시지 입력").press("Enter")  # the text was put back
        expect(banner).to_have_count(0, timeout=4_000)
        assert time.monotonic() - shown_at < 7.5
        expect(_settled_answers(page)).to_have_count(2)
        last = _settled_answers(page).last.bounding_box()
        assert last is not None and last["y"] >= chat["y"] - 1
        check_screen(page, label, "chat-banner-cleared")
        _shot(page, label, "banner-cleared")
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_the_profile_is_shown_in_settings_and_can_be_deleted(
    browser: Any,  # noqa: F811
    ui_target: Any,  # noqa: F811
    claude: SlowClaude,
    label: str,
) -> None:
    size = SIZES[label]
    page = _signed_in(
        browser, ui_target, size, empno=f"E9{len(label)}{int(time.time()) % 1000:03d}", name="최유나"
    )
    try:
        for question in ("부가세 신고 기한 알려 주세요", "부가세 환급 절차는요?"):
            before = _settled_answers(page).count()
            _send(page, question)
            expect(_settled_answers(page)).to_have_count(before + 1)
        page.get_by_role("button", name="설정").click()
        summary = page.get_by_test_id("profile-summary")
        expect(summary).to_contain_text("부가세")
        check_screen(page, label, "chat-profile")
        _shot(page, label, "profile")
        summary.get_by_test_id("profile-delete").click()
        expect(summary).to_contain_text("아직 수집된 관심사가 없습니다.")
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_the_saved_default_model_answers_and_a_model_an_admin_switched_off_is_neither_offered_nor_used(
    browser: Any,  # noqa: F811
    ui_target: Any,  # noqa: F811
    claude: SlowClaude,
    label: str,
) -> None:
    size = SIZES[label]
    admin = {"Authorization": f"Bearer {make_token('A0001', '관리자', admin=True)}"}
    page = _signed_in(
        browser, ui_target, size, empno=f"E6{len(label)}{int(time.time()) % 1000:03d}", name="정다은"
    )
    try:
        # The user saves Opus 4.6 (not what the default chain starts with) as their default model in settings
        page.get_by_role("button", name="설정").click()
        default = page.get_by_role("combobox", name="기본 모델")
        default.select_option("claude-opus-4-6")
        page.wait_for_timeout(500)  # the save is sent on change
        check_screen(page, label, "chat-default-model")
        _shot(page, label, "default-model")
        page.get_by_role("button", name="닫기").first.click()

        # Then a message without a chosen model is answered by Opus 4.6
        _send(page, "오늘 일정 정리해 주세요")
        answers = _settled_answers(page)
        expect(answers.last.get_by_test_id("meta")).to_contain_text("Opus 4.6")

        # When an administrator switches Opus 4.6 off for the organisation
        switched = httpx.put(
            f"{ui_target.base_url}/api/admin/models",
            json={"disabled_providers": [], "disabled_models": ["claude-opus-4-6"]},
            headers=admin,
            timeout=30,
        )
        assert switched.status_code == 200, switched.text
        # Then the next answer comes from another model, though Opus 4.6 is still the saved default
        _send(page, "다시 정리해 주세요")
        expect(answers).to_have_count(2)
        expect(answers.last.get_by_test_id("meta")).not_to_contain_text("Opus 4.6")
        # And settings show Opus 4.6 disabled, with the reason in Korean
        page.reload()
        page.get_by_role("button", name="설정").click()
        option = page.get_by_role("combobox", name="기본 모델").locator('option[value="claude-opus-4-6"]')
        expect(option).to_be_disabled()
        expect(option).to_contain_text("관리자가 이 모델 사용을 중지했습니다.")
        check_screen(page, label, "chat-model-switched-off")
    finally:
        httpx.put(
            f"{ui_target.base_url}/api/admin/models",
            json={"disabled_providers": [], "disabled_models": []},
            headers=admin,
            timeout=30,
        )
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_deep_research_reads_the_users_own_file_without_web_search(
    browser: Any,  # noqa: F811
    ui_target: Any,  # noqa: F811
    label: str,
    tmp_path: Any,
) -> None:
    size = SIZES[label]
    page = _signed_in(
        browser, ui_target, size, empno=f"E5{len(label)}{int(time.time()) % 1000:03d}", name="윤하린"
    )
    try:
        # Given a file of the user's own, processed (this deployment has no web search key)
        note = tmp_path / "출장규정.md"
        note.write_text(
            "# 출장 규정\n\n국내 출장 숙박비 한도는 1박 12만 원입니다. 해외 출장은 지역별 한도를 따릅니다.\n",
            encoding="utf-8",
        )
        page.get_by_role("button", name="내 파일").click()
        files = page.get_by_role("region", name="내 파일")
        files.get_by_label("파일 업로드").set_input_files(str(note))
        row = files.locator('[data-testid="file-row"]', has_text="출장규정.md")
        expect(row).to_have_attribute("data-status", "completed", timeout=60_000)
        _close_files = files.get_by_role("button", name="닫기")
        if _close_files.count():
            _close_files.first.click()

        # When the user asks with 심층 리서치 on
        page.get_by_role("group", name="기능").get_by_role("button", name="심층 리서치").click()
        _send(page, "국내 출장 숙박비 한도는 얼마인가요?")

        # Then the research report cites the user's file
        answer = _settled_answers(page).last
        expect(answer).to_contain_text("출장규정.md", timeout=90_000)
        check_screen(page, label, "chat-research-files")
        _shot(page, label, "research-files")
    finally:
        _close(page)
