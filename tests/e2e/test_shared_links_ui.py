"""Links that carry access, at 1440x900 and 390x844, each with several browser contexts.

- A workspace's address (`?w=<id>`): opening a workspace puts it in the address, a reload lands
  in it again, another member who opens the link lands in the same workspace (and joins it live),
  and someone who is not a member gets a Korean message, no workspace and an address that no
  longer names it.
- A conversation shared read-only with a workspace (not a named colleague) through the share
  dialog: a member of that workspace opens the link and reads it read-only, someone outside the
  workspace cannot, and after the owner revokes the share the member's reload finds no access.

Screenshots: .local/screenshots/convs-<screen>-<size>.png (the README's folder and the
conversation tests' prefix: both features are the "address" part of that section).
"""

# The module reuses test_ui_screens' fixtures (one target and one Chromium per module),
# imported by name: test parameters of the same names are how pytest uses them.
# ruff: noqa: F811

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.chromium import wait_for_chat
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

WORKSPACE_REFUSED = "이 워크스페이스를 열 수 없습니다"
CONVERSATION_REFUSED = "이 대화를 열 수 없습니다"
UUID = r"[0-9a-f-]{36}"


def _shot(page: Any, label: str, name: str) -> None:
    check_screen(page, label, name, prefix="convs", exempt=".conv-open, .ws-panel h2")


def _drawer(page: Any, phone: bool) -> None:
    if phone and page.locator(".sidebar-open").count() == 0:
        page.get_by_role("button", name="대화 목록 열기").click()
        expect(page.locator(".sidebar-open")).to_have_count(1)


def _id_in_address(page: Any, name: str) -> str:
    expect(page).to_have_url(re.compile(rf"[?&]{name}={UUID}"))
    found = re.search(rf"[?&]{name}=({UUID})", page.url)
    assert found is not None
    return found.group(1)


def _workspace_open(page: Any, title: str) -> Any:
    panel = page.get_by_test_id("workspace-panel")
    expect(panel.get_by_role("heading", name=title)).to_be_visible()
    return panel


def _refused(page: Any, text: str) -> None:
    """The Korean notice that the link opens nothing for this user (an alert, not a blank page)."""
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


@pytest.mark.parametrize("label", list(SIZES))
def test_a_workspace_address_survives_a_reload_opens_for_members_and_is_refused_to_others(
    browser: Any, ui_target: Any, label: str
) -> None:
    size = SIZES[label]
    phone = size is PHONE
    digit = "5" if phone else "6"
    member = _signed_in(browser, ui_target, size, empno=f"E76{digit}2", name=f"남궁민{digit}")
    outsider = _signed_in(browser, ui_target, size, empno=f"E76{digit}3", name=f"황보라{digit}")
    owner = _signed_in(browser, ui_target, size, empno=f"E76{digit}1", name=f"장서윤{digit}")
    try:
        # Opening a workspace puts it in the address.
        title = f"신제품 출시 준비 {label}"
        _drawer(owner, phone)
        owner.locator(".ws-section").get_by_role("button", name="+ 만들기").click()
        owner.get_by_role("textbox", name="워크스페이스 이름").fill(title)
        owner.get_by_role("textbox", name="워크스페이스 이름").press("Enter")
        _workspace_open(owner, title)
        workspace = _id_in_address(owner, "w")
        members = owner.get_by_test_id("members")
        members.get_by_role("searchbox", name="이름이나 사번으로 동료 찾기").fill(f"E76{digit}2")
        members.get_by_role("button", name="초대").click()
        expect(members.locator(f'[data-empno="E76{digit}2"]')).to_be_visible()

        # A reload lands in the same workspace.
        owner.reload()
        wait_for_chat(owner)
        _workspace_open(owner, title)
        assert _id_in_address(owner, "w") == workspace
        _shot(owner, label, "workspace-address")

        # Another member's browser opens the link: the same workspace, joined live (the owner
        # sees them arrive).
        link = f"{ui_target.base_url}/?w={workspace}"
        member.goto(link)
        wait_for_chat(member)
        _workspace_open(member, title)
        assert _id_in_address(member, "w") == workspace
        expect(member.get_by_test_id("presence")).to_contain_text(f"장서윤{digit}")
        expect(owner.get_by_test_id("presence")).to_contain_text(f"남궁민{digit}")
        _shot(member, label, "workspace-link-member")

        # Someone who is not a member opens it: a Korean notice, no workspace, and the address
        # no longer names it (a reload does not try again); the chat is there to use.
        outsider.goto(link)
        wait_for_chat(outsider)
        _refused(outsider, WORKSPACE_REFUSED)
        expect(outsider.get_by_test_id("workspace-panel")).to_have_count(0)
        expect(outsider).not_to_have_url(re.compile(workspace))
        _shot(outsider, label, "workspace-link-refused")
        _drawer(outsider, phone)
        expect(outsider.locator(".ws-list")).not_to_contain_text(title)
    finally:
        _close(owner)
        _close(member)
        _close(outsider)


@pytest.mark.parametrize("label", list(SIZES))
def test_a_conversation_shared_with_a_workspace_is_read_by_its_members_until_revoked(
    browser: Any, ui_target: Any, label: str
) -> None:
    """The owner shares through the dialog's workspace picker; a member of that workspace reads
    the conversation read-only from its link, an outsider cannot, and the revoke ends the member's
    access at their next read."""
    from portal import services
    from portal.db.repositories import users, workspaces

    size = SIZES[label]
    phone = size is PHONE
    digit = "5" if phone else "6"
    member = _signed_in(browser, ui_target, size, empno=f"E77{digit}2", name=f"이도윤{digit}")
    outsider = _signed_in(browser, ui_target, size, empno=f"E77{digit}3", name=f"문채원{digit}")
    # The workspace the conversation is shared with, the member in it, before the owner's page
    # loads (its list is what the share dialog offers).
    db = services.db()
    users.upsert_from_claims(
        db, empno=f"E77{digit}1", name_ko=f"송하은{digit}", company=None, company_code="LOCAL", roles=[]
    )
    team = f"영업기획팀 {label}"
    created = workspaces.create(db, owner_empno=f"E77{digit}1", title=team)
    workspaces.put_collaborator(
        db, workspace_id=created.id, owner_empno=f"E77{digit}1", empno=f"E77{digit}2", role="viewer"
    )
    owner = _signed_in(browser, ui_target, size, empno=f"E77{digit}1", name=f"송하은{digit}")
    try:
        # The owner's own conversation (no workspace open: it is shared, not a workspace's).
        question = f"다음 달 거래처 방문 순서는 어떻게 정하면 좋을까요 {label}"
        _ask(owner, question)
        conversation = _id_in_address(owner, "c")

        _drawer(owner, phone)
        row = owner.locator(".conv-list li.conv", has_text="거래처 방문")
        row.get_by_role("button", name="대화 메뉴").click()
        row.get_by_role("menuitem", name="공유").click()
        dialog = owner.get_by_test_id("share-dialog")
        expect(dialog).to_contain_text("아직 아무와도 공유하지 않았습니다")
        dialog.get_by_role("combobox", name="워크스페이스 선택").select_option(label=team)
        dialog.locator(".share-ws-row").get_by_role("button", name="공유").click()
        shared = dialog.locator(".share-list li", has_text=team)
        expect(shared).to_contain_text("워크스페이스와 공유")
        expect(
            dialog.get_by_role("combobox", name="워크스페이스 선택").locator("option", has_text=team)
        ).to_be_disabled()
        _shot(owner, label, "share-workspace")

        # A member of the workspace opens the link: the conversation, read-only, and it is in
        # their list as shared by its owner, without a delete button.
        link = f"{ui_target.base_url}/?c={conversation}"
        member.goto(link)
        wait_for_chat(member)
        expect(member.locator(".msg-user")).to_contain_text(question)
        expect(member.locator(".msg-assistant").first).to_be_visible()
        expect(member.locator(".read-only-note")).to_contain_text(f"송하은{digit}님이 공유한 대화입니다")
        expect(member.get_by_test_id("regenerate").first).to_be_disabled()
        _shot(member, label, "shared-workspace-read")
        _drawer(member, phone)
        listed = member.locator(".conv-list li.conv", has_text="거래처 방문")
        expect(listed).to_contain_text(f"송하은{digit}님이 공유함")
        expect(listed.get_by_role("button", name="대화 삭제")).to_have_count(0)

        # Someone outside the workspace gets nothing from the same link.
        outsider.goto(link)
        wait_for_chat(outsider)
        _refused(outsider, CONVERSATION_REFUSED)
        expect(outsider.locator(".msg-user")).to_have_count(0)
        expect(outsider).not_to_have_url(re.compile(conversation))

        # Revoked: the member's reload of the link finds no access.
        shared.get_by_role("button", name="공유 해제").click()
        expect(dialog).to_contain_text("아직 아무와도 공유하지 않았습니다")
        dialog.get_by_role("button", name="닫기").click()
        assert conversation in member.url
        member.reload()
        wait_for_chat(member)
        _refused(member, CONVERSATION_REFUSED)
        expect(member.locator(".msg-user")).to_have_count(0)
        expect(member.locator(".read-only-note")).to_have_count(0)
        expect(member).not_to_have_url(re.compile(conversation))
        _shot(member, label, "shared-workspace-revoked")
        _drawer(member, phone)
        expect(member.locator(".conv-list")).not_to_contain_text("거래처 방문")
    finally:
        _close(owner)
        _close(member)
        _close(outsider)
