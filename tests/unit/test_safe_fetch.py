"""Safe page fetching: every refusal class, redirects to refused places, limits, and the allowed path.

The allowed path talks to a real HTTP server on 127.0.0.1, reachable only because these
tests hand the fetcher an allow-list for it; the default policy refuses loopback.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from portal.search.extract import html_to_text
from portal.search.fetch import (
    FetchFailed,
    FetchPolicy,
    FetchRefused,
    FetchTimeout,
    PageFetcher,
    PageTooLarge,
    UnsupportedContent,
    check_url,
    refusal_reason,
)

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)
PAGE = """<!doctype html><html><head><title>분기 실적 발표</title><script>track()</script>
<style>p{color:red}</style></head><body><nav>메뉴 홈 소개</nav>
<article><h1>3분기 실적</h1><p>매출은 전년 대비 12% 증가했습니다.</p><p>영업이익은 &amp; 순이익과 함께 개선되었습니다.</p></article>
<footer>copyright</footer></body></html>"""
EUC_KR_PAGE = '<html><head><meta charset="euc-kr"><title>공지</title></head><body><p>부가가치세 신고 안내</p></body></html>'


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose text pypdf can extract."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class _Site(BaseHTTPRequestHandler):
    """A small web site with one path per behaviour under test."""

    hosts_seen: list[str] = []

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # http.server's naming
        _Site.hosts_seen.append(self.headers.get("Host", ""))
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/page":
            self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        elif url.path == "/plain":
            self._send(200, b"plain text body\n", "text/plain")
        elif url.path == "/euc-kr":
            self._send(200, EUC_KR_PAGE.encode("euc-kr"), "text/html")
        elif url.path == "/pdf":
            self._send(200, minimal_pdf("Quarterly report PDF"), "application/pdf")
        elif url.path == "/image":
            self._send(200, b"\x89PNG\r\n", "image/png")
        elif url.path == "/untyped":
            self._send(200, b"<p>no type</p>", None)
        elif url.path == "/big":
            self._send(200, b"a" * 50_000, "text/html")
        elif url.path == "/big-unannounced":
            # No Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"b" * 1_000)
            self.close_connection = True
        elif url.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
            self.close_connection = True
        elif url.path == "/redirect":
            self._send(302, b"", "text/plain", Location=query["to"][0])
        elif url.path == "/loop":
            self._send(301, b"", "text/plain", Location="/loop")
        else:
            self._send(404, b"not here", "text/plain")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (a free port); yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetcher(**policy: object) -> PageFetcher:
    """A fetcher that may reach the test server (loopback allow-list, any port)."""
    return PageFetcher(FetchPolicy(allow_networks=LOOPBACK_ONLY, allowed_ports=None, **policy))  # type: ignore[arg-type]


test_fetcher.__test__ = False  # type: ignore[attr-defined]  # a factory, not a test


# --- refusals before any request ------------------------------------------------------------

REFUSED = [
    ("http://127.0.0.1/", "loopback"),
    ("http://127.8.9.10/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://localhost/", "loopback"),
    ("http://api.localhost/", "loopback"),
    ("http://2130706433/", "loopback"),  # 127.0.0.1 as one number
    ("http://0x7f.1/", "loopback"),  # 127.0.0.1 in hex, short form
    ("http://10.1.2.3/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://[fd12:3456::1]/", "private"),
    ("http://169.254.1.1/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "metadata"),
    ("http://[::ffff:169.254.169.254]/", "metadata"),  # IPv4-mapped IPv6
    ("http://[64:ff9b::a9fe:a9fe]/", "metadata"),  # NAT64 of the metadata address
    ("http://[2002:a9fe:a9fe::]/", "metadata"),  # 6to4 of the metadata address
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://0.1.2.3/", "unspecified"),
    ("http://100.64.0.1/", "shared-address-space"),
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.com/file", "scheme"),
    ("gopher://example.com/", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("http://user:secret@example.com/", "credentials"),
    ("http://example.com@10.0.0.1/", "credentials"),
    ("http://example.com:8080/", "port"),
    ("https://example.com:22/", "port"),
    ("http:///nohost", "invalid_url"),
]


@pytest.mark.parametrize(("url", "code"), REFUSED, ids=[u for u, _ in REFUSED])
def test_refused_urls_are_refused_before_any_request(url: str, code: str) -> None:
    lookups: list[str] = []
    fetcher = PageFetcher(resolver=lambda host, port: lookups.append(host) or ["93.184.216.34"])
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch(url)
    assert refused.value.code == code
    assert lookups == []  # refused on the URL alone: nothing was resolved or connected


def test_public_urls_pass_the_url_check() -> None:
    for url in (
        "https://www.nts.go.kr/page",
        "http://8.8.8.8/",
        "https://[2606:4700:4700::1111]/",
        "HTTPS://Example.COM/a",
    ):
        assert check_url(url, FetchPolicy()).scheme in ("http", "https")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("198.18.0.1", "special-purpose"),
        ("192.0.2.10", "special-purpose"),
    ],
)
def test_address_classes(address: str, reason: str | None) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason


def test_a_name_resolving_to_a_private_address_is_refused_at_connect() -> None:
    fetcher = PageFetcher(resolver=lambda host, port: ["10.20.30.40"])
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch("http://intranet.example.com/")
    assert refused.value.code == "private" and "10.20.30.40" in str(refused.value)


def test_a_name_resolving_to_the_metadata_service_is_refused() -> None:
    fetcher = PageFetcher(resolver=lambda host, port: ["169.254.169.254"])
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch("http://metadata.example.com/latest/meta-data/iam/")
    assert refused.value.code == "metadata"


def test_one_private_record_among_public_ones_taints_the_name() -> None:
    fetcher = PageFetcher(resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"])
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch("http://round-robin.example.com/")
    assert refused.value.code == "loopback"


def test_the_default_policy_never_reaches_loopback_even_when_a_server_is_there(site: str) -> None:
    with pytest.raises(FetchRefused):
        PageFetcher(FetchPolicy(allowed_ports=None)).fetch(f"{site}/page")


# --- the allowed path -------------------------------------------------------------------------


def test_an_html_page_comes_back_as_readable_text(site: str) -> None:
    page = test_fetcher().fetch(f"{site}/page")
    assert page.title == "분기 실적 발표"
    assert "매출은 전년 대비 12% 증가했습니다." in page.text and "영업이익은 & 순이익과" in page.text
    assert "track()" not in page.text and "color:red" not in page.text and "메뉴" not in page.text
    assert page.content_type == "text/html" and page.final_url == f"{site}/page"


def test_plain_text_is_returned_as_is(site: str) -> None:
    assert test_fetcher().fetch(f"{site}/plain").text == "plain text body"


def test_a_korean_page_declaring_euc_kr_in_meta_is_decoded(site: str) -> None:
    page = test_fetcher().fetch(f"{site}/euc-kr")
    assert page.title == "공지" and "부가가치세 신고 안내" in page.text


def test_a_pdf_comes_back_as_its_text(site: str) -> None:
    assert "Quarterly report PDF" in test_fetcher().fetch(f"{site}/pdf").text


def test_the_address_checked_is_the_address_connected_to(site: str) -> None:
    """One lookup per connection, and the connection goes to that answer: no second lookup to rebind."""
    port = int(site.rsplit(":", 1)[1])
    lookups: list[str] = []
    fetcher = PageFetcher(
        FetchPolicy(allow_networks=LOOPBACK_ONLY, allowed_ports=None),
        resolver=lambda host, p: lookups.append(host) or ["127.0.0.1"],
    )
    _Site.hosts_seen.clear()
    page = fetcher.fetch(f"http://news.example.test:{port}/page")
    assert page.title == "분기 실적 발표"
    assert lookups == ["news.example.test"]
    assert _Site.hosts_seen == [f"news.example.test:{port}"]  # the name is kept for Host (and TLS SNI)


def test_the_text_is_cut_at_the_policy_limit(site: str) -> None:
    page = test_fetcher(max_text_chars=20).fetch(f"{site}/page")
    assert len(page.text) == 20 and page.truncated


# --- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://10.0.0.1/admin", "private"),
        ("http://[::ffff:192.168.0.1]/", "private"),
        ("file:///etc/passwd", "scheme"),
        ("http://admin:pw@example.com/", "credentials"),
        ("http://example.com:6379/", "port"),
    ],
)
def test_a_redirect_to_a_refused_place_is_refused(site: str, target: str, code: str) -> None:
    fetcher = PageFetcher(
        FetchPolicy(
            allow_networks=LOOPBACK_ONLY, allowed_ports=frozenset({80, 443, int(site.rsplit(":", 1)[1])})
        )
    )
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch(f"{site}/redirect?to={target}")
    assert refused.value.code == code


def test_a_redirect_to_a_name_that_resolves_privately_is_refused(site: str) -> None:
    port = int(site.rsplit(":", 1)[1])

    def resolver(host: str, p: int) -> list[str]:
        return ["127.0.0.1"] if host == "public.example.test" else ["10.9.8.7"]

    fetcher = PageFetcher(FetchPolicy(allow_networks=LOOPBACK_ONLY, allowed_ports=None), resolver=resolver)
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch(f"http://public.example.test:{port}/redirect?to=http://internal.example.test/")
    assert refused.value.code == "private"


def test_an_allowed_redirect_is_followed(site: str) -> None:
    page = test_fetcher().fetch(f"{site}/redirect?to=/page")
    assert page.final_url == f"{site}/page" and page.url == f"{site}/redirect?to=/page"


def test_a_redirect_loop_stops(site: str) -> None:
    with pytest.raises(FetchFailed) as failed:
        test_fetcher(max_redirects=3).fetch(f"{site}/loop")
    assert failed.value.code == "redirects"


# --- limits and content -------------------------------------------------------------------------


def test_a_page_announcing_more_than_the_limit_is_refused(site: str) -> None:
    with pytest.raises(PageTooLarge):
        test_fetcher(max_bytes=10_000).fetch(f"{site}/big")


def test_a_page_growing_past_the_limit_without_announcing_it_is_cut_off(site: str) -> None:
    with pytest.raises(PageTooLarge):
        test_fetcher(max_bytes=10_000).fetch(f"{site}/big-unannounced")


def test_a_page_within_the_limit_is_read(site: str) -> None:
    assert len(test_fetcher(max_bytes=100_000).fetch(f"{site}/big").text) == 50_000


def test_a_page_slower_than_the_deadline_times_out(site: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        test_fetcher(timeout_seconds=0.5).fetch(f"{site}/slow")
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("path", ["/image", "/untyped"])
def test_content_other_than_html_text_or_pdf_is_refused(site: str, path: str) -> None:
    with pytest.raises(UnsupportedContent):
        test_fetcher().fetch(f"{site}{path}")


def test_an_error_status_is_a_failed_fetch(site: str) -> None:
    with pytest.raises(FetchFailed) as failed:
        test_fetcher().fetch(f"{site}/missing")
    assert failed.value.code == "http_404"


def test_an_unresolvable_name_is_a_failed_fetch_not_a_refusal() -> None:
    fetcher = PageFetcher(resolver=lambda host, port: [])
    with pytest.raises(FetchFailed):
        fetcher.fetch("https://no-such-host.example.com/")


# --- extraction ------------------------------------------------------------------------------


def test_main_content_wins_over_page_chrome() -> None:
    body = "본문 " * 120
    _, text = html_to_text(f"<body><div>sidebar teaser</div><main><p>{body}</p></main></body>")
    assert text.startswith("본문") and "sidebar" not in text


def test_a_page_that_never_closes_head_still_has_its_body() -> None:
    title, text = html_to_text("<html><head><title>t</title><body><p>body text")
    assert (title, text) == ("t", "body text")


def test_hidden_elements_are_not_text() -> None:
    assert html_to_text("<p>shown</p><div hidden>secret</div>")[1] == "shown"
