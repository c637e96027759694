"""What the e2e tests share: Debian's Chromium under Playwright, and signing in on the local issuer.

Not a test module: the test files import it (after their own skips for a missing browser or UI).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a sandboxed CI container: no GPU, no network side traffic, no QUIC.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, with the flags this closed network needs (one per test module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def sign_in_on_issuer(
    page: Any, *, empno: str = "E1001", name: str = "홍길동", department: str = "인사팀"
) -> None:
    """Fill the local issuer's login form (reached by the UI's redirect) and submit it."""
    from playwright.sync_api import expect

    expect(page.get_by_label("사번", exact=True)).to_be_visible()
    page.get_by_label("사번", exact=True).fill(empno)
    page.get_by_label("이름", exact=True).fill(name)
    page.get_by_label("부서", exact=True).fill(department)
    page.get_by_role("button", name="로그인").click()


def wait_for_chat(page: Any) -> None:
    """Signed in: the composer is there and the socket is up (or the answer only comes by polling)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("textbox", name="메시지 입력")).to_be_visible()
    expect(page.locator(".conn")).to_have_attribute("data-status", "open")
