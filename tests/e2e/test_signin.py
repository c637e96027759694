"""Signing in like the portals people know, in headless Chromium against the local target.

The UI redirects to the local OIDC issuer (the same code path as Cognito in AWS), comes back
to the page the user was on, stays signed in across a reload, outlives a short token lifetime
while chatting (silent refresh + socket re-auth), and signs out at the issuer. Screenshots of
the login page and the signed-in chat at 1440x900 and 390x844 go to .local/screenshots/.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO
from tests.e2e.chromium import CHROMIUM, TIMEOUT_MS, launched_chromium, sign_in_on_issuer, wait_for_chat

pytestmark = pytest.mark.integration

WEB_INDEX = REPO / "web" / "dist" / "index.html"
SCREENSHOTS = REPO / ".local" / "screenshots"
# Short enough to wait out in a test; the UI renews at three quarters of it (15 s).
TOKEN_TTL_SECONDS = 20
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
if not WEB_INDEX.exists():
    pytest.skip(f"{WEB_INDEX} is missing: build the UI first (make web)", allow_module_level=True)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
expect = sync_api.expect
# Redirects through the issuer take several page loads; on a busy CI machine 5 s is too tight.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as b:
        yield b


@pytest.fixture
def short_lived_target(database_url: str) -> Iterator[Any]:
    """The local target whose issuer mints tokens that expire after TOKEN_TTL_SECONDS."""
    from portal.local.target import LocalTarget

    env = {"POWERTOOLS_LOG_LEVEL": "WARNING", "PORTAL_LOCAL_TOKEN_TTL_SECONDS": str(TOKEN_TTL_SECONDS)}
    with LocalTarget(database_url=database_url, web_dist=WEB_INDEX.parent, extra_env=env) as running:
        yield running


class SocketLog:
    """Every WebSocket the page opens: its URL and the JSON frames both ways."""

    def __init__(self, page: Any) -> None:
        self.sockets: list[dict[str, Any]] = []
        page.on("websocket", self._opened)

    def _opened(self, ws: Any) -> None:
        entry: dict[str, Any] = {"url": ws.url, "sent": [], "received": []}
        self.sockets.append(entry)
        ws.on("framesent", lambda payload: entry["sent"].extend(_frames(payload)))
        ws.on("framereceived", lambda payload: entry["received"].extend(_frames(payload)))

    def sent(self, action: str) -> list[dict[str, Any]]:
        return [f for s in self.sockets for f in s["sent"] if f.get("action") == action]

    def received(self, kind: str) -> list[dict[str, Any]]:
        return [f for s in self.sockets for f in s["received"] if f.get("type") == kind]


def _frames(payload: str | bytes) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(payload)
    except ValueError:
        return []
    items = parsed if isinstance(parsed, list) else [parsed]
    return [f for f in items if isinstance(f, dict)]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ko-KR", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def _screenshots(page: Any, name: str) -> None:
    """The page at desktop and phone size (Hangul needs fonts-nanum on the machine)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1440x900", DESKTOP), ("390x844", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # let the layout settle at the new size
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"))
    page.set_viewport_size(DESKTOP)


def _ask(page: Any, text: str) -> None:
    """Send a message and wait for the stored answer of the offline model."""
    answers = page.locator(".msg-assistant:not(.streaming)")
    before = answers.count()
    box = page.get_by_role("textbox", name="메시지 입력")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".msg-user .user-text", has_text=text)).to_be_visible()
    expect(answers).to_have_count(before + 1, timeout=30_000)
    expect(answers.last).to_contain_text("오프라인")


def _token_of(url: str) -> str:
    match = re.search(r"[?&]token=([^&]+)", url)
    assert match, url
    return match.group(1)


def test_sign_in_chat_reload_outlive_the_token_and_sign_out(page: Any, short_lived_target: Any) -> None:
    base = short_lived_target.base_url
    sockets = SocketLog(page)

    # Given an employee who opens a link into the portal without a session
    page.goto(base + "/?from=mail#chat")

    # Then the portal sends them to the identity provider's login page
    expect(page).to_have_url(re.compile(r"/oidc/authorize\?"))
    expect(page.get_by_role("heading", name="AI 포털 로그인")).to_be_visible()
    _screenshots(page, "login")

    # When they sign in there, they are back on the page they opened, signed in
    sign_in_on_issuer(page)
    wait_for_chat(page)
    assert page.url == base + "/?from=mail#chat"
    expect(page.locator(".me-name")).to_contain_text("홍길동")

    # And they chat: the offline model's answer streams in
    _ask(page, "안녕하세요")
    expect(page.locator(".banner-error")).to_have_count(0)
    _screenshots(page, "chat")

    # A reload keeps them signed in, in the same conversation (its id is in the address)
    assert re.search(r"[?&]c=[^&#]+", page.url), page.url
    page.reload()
    wait_for_chat(page)
    expect(page.get_by_label("사번", exact=True)).to_have_count(0)
    expect(page.locator(".conv-title", has_text="안녕하세요")).to_be_visible()
    expect(page.locator(".msg-user .user-text", has_text="안녕하세요")).to_be_visible()
    expect(page.locator(".msg-assistant").first).to_contain_text("오프라인")
    first_token = _token_of(sockets.sockets[-1]["url"])

    # When their token's lifetime passes, the session goes on: a silent refresh renewed it and
    # the open socket was re-authenticated with the new ID token
    page.wait_for_timeout((TOKEN_TTL_SECONDS + 5) * 1000)  # keeps Playwright's events flowing
    _ask(page, "토큰이 바뀐 뒤에도 답하나요?")
    renewed = [f["token"] for f in sockets.sent("auth")]
    assert renewed, "no socket re-auth was sent after the silent refresh"
    assert first_token not in renewed
    assert sockets.received("auth_ok"), sockets.received("error")
    expect(page.locator('[data-testid="session-ended"]')).to_have_count(0)
    expect(page.locator(".banner-error")).to_have_count(0)

    # When they sign out, they are at the identity provider's login page again
    page.get_by_role("button", name="로그아웃").click()
    expect(page).to_have_url(re.compile(r"/oidc/authorize\?"))
    expect(page.get_by_label("사번", exact=True)).to_be_visible()

    # And neither a reload nor opening the portal signs them in without the form
    page.reload()
    expect(page.get_by_label("사번", exact=True)).to_be_visible()
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/oidc/authorize\?"))
    expect(page.get_by_label("사번", exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="메시지 입력")).to_have_count(0)


def test_the_session_ended_banner_when_renewal_is_refused(page: Any, short_lived_target: Any) -> None:
    """The issuer refuses the refresh token: the user is told in Korean and signs in again."""
    base = short_lived_target.base_url
    page.route(
        re.compile(r"/oidc/token$"),
        lambda route: (
            route.fulfill(
                status=400,
                content_type="application/json",
                body=json.dumps({"error": "invalid_grant", "error_description": "refresh token revoked"}),
            )
            if "grant_type=refresh_token" in (route.request.post_data or "")
            else route.continue_()
        ),
    )
    page.goto(base + "/")
    sign_in_on_issuer(page)
    wait_for_chat(page)

    banner = page.locator('[data-testid="session-ended"]')
    expect(banner).to_contain_text(
        "세션이 만료되었습니다. 다시 로그인해 주세요.", timeout=(TOKEN_TTL_SECONDS + 5) * 1000
    )
    _screenshots(page, "session-ended")
    banner.get_by_role("button", name="다시 로그인").click()
    expect(page).to_have_url(re.compile(r"/oidc/authorize\?"))


def _exp_of(token: str) -> float:
    """`exp` of a JWT (read, not verified: the test only needs to know when it runs out)."""
    payload = token.split(".")[1]
    return float(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"])


# Every text the streaming answer showed, in order (read back with page.evaluate).
_RECORD_STREAMING = """
(() => {
  const shown = (window.__streamingShown = []);
  const look = () => {
    const bubble = document.querySelector('.msg-assistant.streaming .bubble');
    const text = bubble ? bubble.textContent : '';
    if (text && text !== shown[shown.length - 1]) shown.push(text);
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
})();
"""


def _plain(text: str) -> str:
    """Text as compared with what the page renders of it (Markdown drops list markers and breaks)."""
    return re.sub(r"[\s\-]+", "", text)


def test_a_socket_whose_token_expired_reconnects_fresh_and_resumes_the_turn(
    page: Any, short_lived_target: Any
) -> None:
    """The sockets' re-auth frames are lost, so the server finds the open socket's token expired
    when the turn's first event is posted: it sends `auth_expired` and closes. The UI reconnects
    with a fresh token and `resume`s the turn from where it was; the answer completes whole."""
    connections: list[dict[str, Any]] = []
    passed = itertools.count()  # the order frames passed the route in, both ways, all sockets

    def route(ws: Any) -> None:
        server = ws.connect_to_server()
        conn: dict[str, Any] = {"url": ws.url, "sent": [], "received": []}
        connections.append(conn)

        def to_page(message: str | bytes) -> None:
            conn["received"].extend({**f, "_at": next(passed)} for f in _frames(message))
            ws.send(message)

        def to_server(message: str | bytes) -> None:
            frames = [{**f, "_at": next(passed)} for f in _frames(message)]
            conn["sent"].extend(frames)
            if any(f.get("action") == "auth" for f in frames):
                return  # lost on the way: this socket's token will run out
            server.send(message)

        server.on_message(to_page)
        ws.on_message(to_server)

    page.route_web_socket(re.compile(r"/ws(\?|$)"), route)
    page.add_init_script(_RECORD_STREAMING)
    page.goto(short_lived_target.base_url + "/")
    sign_in_on_issuer(page)
    wait_for_chat(page)

    # Given the open socket's token has run out (its re-auth never arrived)
    expires = _exp_of(_token_of(connections[-1]["url"]))
    page.wait_for_timeout(max(0.0, expires + 2 - time.time()) * 1000)

    # When the user asks something
    _ask(page, "소켓 토큰이 만료된 뒤의 질문")

    # Then the server told that socket its token expired, the UI came back with a fresh token
    # and resumed the turn
    expired = [
        i for i, c in enumerate(connections) if any(f.get("type") == "auth_expired" for f in c["received"])
    ]
    assert expired, connections
    later = connections[expired[0] + 1 :]
    assert later, "the UI did not reconnect after auth_expired"
    assert all(_token_of(c["url"]) != _token_of(connections[expired[0]]["url"]) for c in later)
    resumes = [f for c in later for f in c["sent"] if f.get("action") == "resume"]
    assert resumes, "no resume was sent after reconnecting"
    turn_id = resumes[0]["turn_id"]

    # and the answer arrived whole, in order. The socket that reconnects before the turn's first
    # chunk is also in the turn's live audience: when its `resume` is served after the turn ended
    # (a busy server), the replay repeats chunks it already had, the same seq with the same text,
    # which the UI drops. So: each socket's new chunks come in order, a repeated one is that very
    # chunk again, and together the sockets brought every chunk up to the turn's last.
    chunks: dict[int, str] = {}
    for c in later:
        own: list[int] = []
        for f in c["received"]:
            if f.get("turn_id") != turn_id or f.get("type") != "chunk":
                continue
            if f["seq"] in chunks:
                assert f["text"] == chunks[f["seq"]], (f, chunks)
            else:
                chunks[f["seq"]] = f["text"]
                own.append(f["seq"])
        assert not own or own == list(range(own[0], own[0] + len(own))), own
    dones = [
        f for c in later for f in c["received"] if f.get("turn_id") == turn_id and f.get("type") == "done"
    ]
    assert dones, later
    assert sorted(chunks) == list(range(1, max(d["last_seq"] for d in dones) + 1)), sorted(chunks)
    # The resume asked from where the page was: never past the chunks that had reached it.
    had = {
        f["seq"]
        for c in later
        for f in c["received"]
        if f.get("turn_id") == turn_id and f.get("type") == "chunk" and f["_at"] < resumes[0]["_at"]
    }
    assert resumes[0]["after_seq"] <= len(had), (resumes[0], sorted(had))
    streamed = "".join(chunks[seq] for seq in sorted(chunks))

    # and the page showed it as it came, no chunk twice, then the whole stored answer once
    final = _plain(page.locator(".msg-assistant:not(.streaming) .bubble").last.inner_text())
    shown = [_plain(text) for text in page.evaluate("window.__streamingShown")]
    assert shown, "the answer was never shown streaming"
    assert all(final.startswith(text) for text in shown), (shown, final)
    assert final.startswith(_plain(streamed)), (streamed, final)
    assert final.endswith(_plain("포털 관리자에게 문의해 주세요.")), final
    expect(page.locator(".msg-assistant", has_text="소켓 토큰이 만료된 뒤의 질문")).to_have_count(1)
    expect(page.locator('[data-testid="session-ended"]')).to_have_count(0)
    expect(page.locator(".banner-error")).to_have_count(0)
