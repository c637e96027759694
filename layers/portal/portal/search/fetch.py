"""Fetching web pages for the model to read, without becoming a server-side request forgery.

Search results are URLs chosen by strangers, and this code runs inside the portal's AWS
account, so a fetch must never reach the instance metadata service, the VPC, or this
machine. Two layers enforce that:

* every URL (the first and each redirect hop) is checked before a request: http(s) only,
  no credentials, an allowed port, and an IP-literal host must pass the SSRF guard;
* the connection itself goes through the guard's network backend (portal.net), which
  resolves the host, refuses the whole host if any address is in a special-purpose range,
  and connects to the address it checked. Resolving once and connecting to that address
  pins it, which defeats DNS rebinding (public for the check, private later).

Bodies are read under a byte limit and a total deadline; only HTML, plain text and PDF
are accepted, and come back as readable text.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field

import certifi
import httpcore
import httpx

from portal.net import ssrf
from portal.net.backends import GuardedBackend
from portal.net.ssrf import AddressRefused, IPNetwork, Resolver, refusal_reason, system_resolver
from portal.search.extract import decode, html_to_text, pdf_to_text

__all__ = ["FetchPolicy", "PageFetcher", "check_url", "refusal_reason", "system_resolver"]

_REDIRECTS = {301, 302, 303, 307, 308}

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
PDF_TYPES = frozenset({"application/pdf"})
ACCEPTED_TYPES = HTML_TYPES | TEXT_TYPES | PDF_TYPES
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; AIPortal/1.0; +enterprise assistant)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8",
    "Accept-Language": "ko,en;q=0.8",
}


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one page fetch. The defaults are what production uses."""

    max_bytes: int = 2_000_000
    timeout_seconds: float = 10.0  # the whole fetch, redirects included
    max_redirects: int = 5
    # Search results use the default ports; anything else is refused (None: any port).
    allowed_ports: frozenset[int] | None = frozenset({80, 443})
    max_text_chars: int = 60_000
    # Addresses let through although not public. Tests only (a server on 127.0.0.1):
    # nothing in the portal sets this.
    allow_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FetchedPage:
    url: str  # what was asked for
    final_url: str  # after redirects
    content_type: str
    title: str
    text: str
    truncated: bool  # text was cut at max_text_chars


class FetchError(Exception):
    """A page could not be fetched; ``code`` says why in one word."""

    code = "fetch_failed"

    def __init__(self, message: str, *, code: str | None = None, url: str = "") -> None:
        super().__init__(message)
        self.code = code or self.code
        self.url = url


class FetchRefused(FetchError):
    """The URL or an address it leads to is not allowed (never retried)."""

    code = "refused"


class FetchFailed(FetchError):
    """Network failure or an HTTP error status."""


class FetchTimeout(FetchFailed):
    code = "timeout"


class PageTooLarge(FetchError):
    code = "too_large"


class UnsupportedContent(FetchError):
    code = "unsupported_content"


def _refused(exc: AddressRefused, url: str = "") -> FetchRefused:
    return FetchRefused(str(exc), code=exc.code, url=url)


def check_url(raw: str | httpx.URL, policy: FetchPolicy) -> httpx.URL:
    """The URL if it may be requested at all; FetchRefused says why not."""
    try:
        url = raw if isinstance(raw, httpx.URL) else httpx.URL(str(raw).strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchRefused(f"not a valid URL: {str(raw)[:200]}", code="invalid_url") from exc
    if url.scheme not in ("http", "https"):
        raise FetchRefused(
            f"only http and https pages are fetched, not {url.scheme or 'this'}:", code="scheme"
        )
    if url.userinfo:
        raise FetchRefused("URLs with credentials are not fetched", code="credentials")
    if not url.host:
        raise FetchRefused(f"the URL has no host: {str(raw)[:200]}", code="invalid_url")
    port = url.port or (443 if url.scheme == "https" else 80)
    if policy.allowed_ports is not None and port not in policy.allowed_ports:
        raise FetchRefused(f"port {port} is not fetched from", code="port")
    try:
        ssrf.check_host(url.host, policy.allow_networks)
    except AddressRefused as exc:
        raise _refused(exc) from None
    return url


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded backend underneath (no proxies from the environment)."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        super().__init__(trust_env=False)
        if not hasattr(self, "_pool"):  # pragma: no cover - guards an httpx upgrade
            raise RuntimeError("httpx.HTTPTransport no longer keeps its pool in _pool")
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=20,
            max_keepalive_connections=5,
            network_backend=GuardedBackend(policy.allow_networks, resolver),
        )


class PageFetcher:
    """Fetches pages under a FetchPolicy; safe to share between threads."""

    def __init__(self, policy: FetchPolicy | None = None, *, resolver: Resolver | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._client = httpx.Client(
            transport=_GuardedTransport(self.policy, resolver or system_resolver),
            follow_redirects=False,  # every hop is checked here, not followed blindly
            trust_env=False,
            headers=_HEADERS,
        )

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> FetchedPage:
        """The page's readable text; FetchError (or a subclass) when it cannot or must not be read."""
        policy = self.policy
        deadline = time.monotonic() + policy.timeout_seconds
        current = check_url(url, policy)
        for _hop in range(policy.max_redirects + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchTimeout(f"{url} took longer than {policy.timeout_seconds:g} s", url=url)
            request = self._client.build_request(
                "GET", current, timeout=httpx.Timeout(remaining, connect=min(remaining, 5.0))
            )
            try:
                response = self._client.send(request, stream=True)
            except AddressRefused as exc:  # the guard refused an address at connect time
                raise _refused(exc, url) from exc
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{current} did not answer in time", url=url) from exc
            except httpx.HTTPError as exc:
                raise FetchFailed(f"{current} could not be fetched: {exc}", url=url) from exc
            try:
                if response.status_code in _REDIRECTS and response.headers.get("location"):
                    current = check_url(current.join(response.headers["location"]), policy)
                    continue
                if response.status_code >= 300:
                    raise FetchFailed(
                        f"{current} answered HTTP {response.status_code}",
                        code=f"http_{response.status_code}",
                        url=url,
                    )
                return self._read(url, current, response, deadline)
            finally:
                response.close()
        raise FetchFailed(
            f"{url} redirected more than {policy.max_redirects} times", code="redirects", url=url
        )

    def _read(self, url: str, final: httpx.URL, response: httpx.Response, deadline: float) -> FetchedPage:
        policy = self.policy
        header = response.headers.get("content-type", "")
        media_type = header.split(";", 1)[0].strip().lower()
        if media_type not in ACCEPTED_TYPES:
            raise UnsupportedContent(f"{final} is {media_type or 'of no declared type'}", url=url)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise PageTooLarge(f"{final} is {declared} bytes; the limit is {policy.max_bytes}", url=url)
        body = bytearray()
        try:
            # Decoded bytes are counted, so a small gzip bomb cannot expand past the limit.
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > policy.max_bytes:
                    raise PageTooLarge(f"{final} is larger than {policy.max_bytes} bytes", url=url)
                if time.monotonic() > deadline:
                    raise FetchTimeout(f"{final} took longer than {policy.timeout_seconds:g} s", url=url)
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"{final} stopped sending", url=url) from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{final} could not be read: {exc}", url=url) from exc
        title, text = self._text(bytes(body), media_type, header, url)
        truncated = len(text) > policy.max_text_chars
        return FetchedPage(
            url=url,
            final_url=str(final),
            content_type=media_type,
            title=title,
            text=text[: policy.max_text_chars],
            truncated=truncated,
        )

    @staticmethod
    def _text(body: bytes, media_type: str, header: str, url: str) -> tuple[str, str]:
        if media_type in PDF_TYPES:
            try:
                return pdf_to_text(body)
            except ImportError as exc:
                raise UnsupportedContent("reading PDFs needs the pypdf package", url=url) from exc
            except Exception as exc:  # a malformed PDF is the page's fault, not ours
                raise UnsupportedContent(f"the PDF could not be read: {exc}", url=url) from exc
        if media_type in HTML_TYPES:
            return html_to_text(decode(body, header, is_html=True))
        return "", decode(body, header, is_html=False).strip()
