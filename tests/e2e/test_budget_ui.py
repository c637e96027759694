"""The budget in the chat and feedback review in the console, in Debian's Chromium at 1440x900 and
390x844 (issues #13 and #17).

An administrator sets a small budget through the API; the user's turns (a scripted Claude that
reports large token counts, so each answer costs real money at catalog prices) first raise the
soft warning on the socket (a notice above the chat that stays while it holds), then the hard
stop (402 `budget_exceeded` on send, the server's Korean words), and the notice goes by itself
once the administrator raises the budget. A user's thumbs-down with a comment reaches the
console's feedback tab. Screenshots: .local/screenshots/budget-*.png and admin-feedback-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import make_token
from tests.e2e import test_ui_screens as screens
from tests.e2e.test_admin_console import _open_console, _sign_in, _tab
from tests.e2e.test_admin_console import _shot as _admin_shot
from tests.e2e.test_ui_screens import SCREENSHOTS, SIZES, _close, check_screen, expect

# The same module fixtures as the screens suite: one local target and one Chromium per module.
_isolated_env = screens._isolated_env
ui_target = screens.ui_target
browser = screens.browser

pytestmark = pytest.mark.integration


def _admin() -> dict[str, str]:
    # Minted inside the test: the module's target sets the issuer the token must come from.
    return {"Authorization": f"Bearer {make_token('A7301', '관리자', admin=True)}"}


class PricyClaude:
    """Answers at once and reports 100k tokens in, 4k out: about $0.12-0.36 a call at catalog prices."""

    name = "anthropic"
    supports_tools = True

    def stream(self, request: Any) -> Iterator[Any]:
        from portal.llm.base import Completed, TextDelta, Usage

        yield TextDelta("예산 안에서 답변합니다. 요청하신 내용을 정리했습니다.")
        yield Completed(Usage(100_000, 4_000), request.model_id, "end_turn")


@pytest.fixture
def claude(monkeypatch: pytest.MonkeyPatch) -> PricyClaude:
    from portal.llm import service
    from portal.llm.providers.offline import OfflineProvider

    model = PricyClaude()
    monkeypatch.setattr(service, "providers", lambda: {"anthropic": model, "offline": OfflineProvider()})
    return model


def _set_budget(target: Any, empno: str, limit: float, warn_ratio: float) -> None:
    r = httpx.put(
        f"{target.base_url}/api/admin/budgets/users/{empno}",
        json={"monthly_limit_usd": limit, "warn_ratio": warn_ratio},
        headers=_admin(),
        timeout=30,
    )
    assert r.status_code == 200, r.text


def _send(page: Any, text: str) -> None:
    box = page.get_by_role("textbox", name="메시지 입력")
    box.fill(text)
    box.press("Enter")


def _shot(page: Any, name: str, label: str) -> None:
    page.wait_for_timeout(250)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"budget-{name}-{label}.png"))


def _not_covering(page: Any, banner: Any) -> None:
    box, chat = banner.bounding_box(), page.locator(".chat-scroll").bounding_box()
    assert box is not None and chat is not None
    assert box["y"] + box["height"] <= chat["y"] + 1, "the budget notice covers the chat"


@pytest.mark.parametrize("label", list(SIZES))
def test_the_user_sees_the_budget_warning_then_the_stop_in_korean_and_both_clear(
    browser: Any, ui_target: Any, claude: PricyClaude, label: str
) -> None:
    empno = f"E73{len(label)}{int(time.time()) % 100:02d}"
    page = screens._signed_in(browser, ui_target, SIZES[label], empno=empno, name="윤하늘")
    answers = page.locator(".msg-assistant:not(.streaming)")
    notice = page.locator('.banner[data-condition="budget"]')
    try:
        # $10 a month, warn at 1 % ($0.10): one answer of this model crosses it.
        _set_budget(ui_target, empno, 10.0, 0.01)
        _send(page, "분기 보고서 요약을 부탁합니다")
        expect(answers).to_have_count(1)
        expect(notice).to_have_count(1)
        expect(notice).to_have_class("banner banner-info")
        expect(notice).to_contain_text("이번 달 내 사용 예산의")
        expect(notice).to_contain_text("/ $10.00)를 사용했습니다.")
        _not_covering(page, notice)
        # A lasting state, not an event: still there after the usual 8 s a notice lives.
        page.wait_for_timeout(8_500)
        expect(notice).to_have_count(1)
        check_screen(page, label, "budget-warning")
        _shot(page, "warning", label)

        # Settings: the user's own budget next to this month's usage, in the warning state.
        page.get_by_role("button", name="설정").click()
        mine = page.get_by_test_id("my-budget")
        expect(mine).to_have_attribute("data-state", "warning")
        expect(mine).to_contain_text("내 예산 · 예산 $10.00 중")
        expect(mine).to_contain_text("상태: 경고 (대부분 사용)")
        check_screen(page, label, "budget-settings")
        _shot(page, "settings", label)
        page.get_by_test_id("settings").get_by_role("button", name="닫기", exact=True).click()
        expect(mine).to_have_count(0)

        # The administrator lowers the budget below what is spent: the next send is refused
        # at the door (402) with the server's Korean message, which replaces the warning.
        _set_budget(ui_target, empno, 0.01, 0.8)
        _send(page, "추가 질문입니다")
        expect(notice).to_have_count(1)
        expect(notice).to_have_class("banner banner-error")
        expect(notice).to_contain_text(
            "이번 달 내 사용 예산(월 $0.01)을 모두 사용해 더 이상 답변할 수 없습니다."
        )
        expect(answers).to_have_count(1)  # nothing answered
        _not_covering(page, notice)
        check_screen(page, label, "budget-exceeded")
        _shot(page, "exceeded", label)

        # Raised again: the user goes on at once and the notice goes by itself.
        _set_budget(ui_target, empno, 100.0, 0.8)
        _send(page, "추가 질문입니다")
        expect(answers).to_have_count(2)
        expect(notice).to_have_count(0)
        check_screen(page, label, "budget-cleared")
        _shot(page, "cleared", label)
    finally:
        _close(page)


@pytest.mark.parametrize("label", list(SIZES))
def test_the_admin_reviews_a_thumbs_down_with_its_comment(
    browser: Any, ui_target: Any, claude: PricyClaude, label: str
) -> None:
    empno = f"E74{len(label)}{int(time.time()) % 100:02d}"
    user = screens._signed_in(browser, ui_target, SIZES[label], empno=empno, name="문가람")
    admin = None
    try:
        _send(user, "출장비 정산 기준을 알려 주세요")
        last = user.locator(".msg-assistant:not(.streaming)").last
        expect(last).to_contain_text("예산 안에서 답변합니다")
        last.get_by_test_id("thumb-down").click()
        comment = f"정산 기준 표가 빠졌어요 ({label})"
        last.get_by_test_id("feedback-comment").fill(comment)
        last.get_by_role("button", name="의견 보내기").click()
        expect(last.get_by_role("status")).to_have_text("의견을 보내 주셔서 감사합니다.")

        admin = _sign_in(browser, ui_target, SIZES[label], empno="A7302", name="정관리", admin=True)
        _open_console(admin)
        _tab(admin, "피드백")
        panel = admin.get_by_role("tabpanel", name="피드백")
        admin.get_by_label("평가").select_option("down")
        item = panel.locator(".feedback-item", has_text=comment)
        expect(item).to_have_count(1)
        expect(item).to_have_class("feedback-item down")
        expect(item.get_by_role("img", name="싫어요")).to_have_count(1)
        expect(item).to_contain_text("출장비 정산 기준을 알려 주세요")  # the question
        expect(item).to_contain_text("예산 안에서 답변합니다")  # the answer
        expect(item).to_contain_text(empno)
        expect(item.locator("code")).not_to_have_text("—")  # the model that answered
        # Newest first: this feedback heads the list.
        expect(panel.locator(".feedback-item").first).to_contain_text(comment)
        # Only thumbs up: this one is not listed.
        admin.get_by_label("평가").select_option("up")
        expect(panel.locator(".feedback-item", has_text=comment)).to_have_count(0)
        admin.get_by_label("평가").select_option("down")
        expect(item).to_have_count(1)
        _admin_shot(admin, "feedback", label)
    finally:
        _close(user)
        if admin is not None:
            _close(admin)
