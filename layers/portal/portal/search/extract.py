"""Readable text from fetched pages: HTML (stdlib parser), plain text and PDF.

The HTML extractor keeps what a reader sees as the page's content: it drops scripts,
styles, navigation, forms and other chrome, prefers <main>/<article> when they hold enough
text, and turns block elements into line breaks.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

# Elements whose content is never reading matter.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head", "nav", "footer"}
    | {"aside", "form", "button", "select", "option", "menu", "dialog"}
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK = frozenset(
    {"p", "div", "section", "article", "main", "header", "li", "ul", "ol", "table", "tr", "td", "th"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl", "figcaption", "br", "hr"}
)
_CONTENT_ROOTS = ("main", "article")
_MIN_ROOT_CHARS = 200  # a <main> shorter than this is probably a teaser, not the content
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
# Korean pages still declare the legacy names; cp949 is their superset and decodes both.
_CHARSET_ALIASES = {
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ksc5601": "cp949",
    "x-windows-949": "cp949",
}
PDF_MAX_PAGES = 30


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.parts: list[str] = []  # the whole body's text
        self.roots: dict[str, list[str]] = {name: [] for name in _CONTENT_ROOTS}
        self._skip_depth = 0
        self._in_title = False
        self._open_roots: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # open elements and whether they hide text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag == "body" and any(opened == "head" for opened, _ in self._stack):
            self.handle_endtag("head")  # a page that never closed <head> still has a body
        if tag in _BLOCK:
            self._emit("\n")
        if tag in _VOID:
            return
        skip = tag in _SKIP or any(name == "hidden" for name, _ in attrs)
        self._stack.append((tag, skip))
        if skip:
            self._skip_depth += 1
        if tag in _CONTENT_ROOTS:
            self._open_roots.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _VOID or all(opened != tag for opened, _ in self._stack):
            return
        # Close everything opened after this tag too (browsers forgive unclosed <p>, <li>...).
        while self._stack:
            opened, skip = self._stack.pop()
            if skip:
                self._skip_depth -= 1
            if opened in _CONTENT_ROOTS:
                self._open_roots.pop()
            if opened in _BLOCK:
                self._emit("\n")
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._skip_depth:
            return
        self._emit(data)

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        for root in set(self._open_roots):
            self.roots[root].append(text)


def _tidy(parts: list[str]) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str) -> tuple[str, str]:
    """(title, readable text) of an HTML document."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    title = _SPACES.sub(" ", "".join(collector.title_parts)).strip()
    for root in _CONTENT_ROOTS:
        text = _tidy(collector.roots[root])
        if len(text) >= _MIN_ROOT_CHARS:
            return title, text
    return title, _tidy(collector.parts)


def charset_of(content_type: str, body: bytes, *, is_html: bool) -> str:
    """The body's encoding: the Content-Type charset, else an HTML <meta> charset, else UTF-8."""
    match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_\-:.]+)", content_type, re.IGNORECASE)
    name = match.group(1) if match else None
    if name is None and is_html:
        meta = _META_CHARSET.search(body[:4096])
        name = meta.group(1).decode("ascii", "replace") if meta else None
    name = (name or "utf-8").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def decode(body: bytes, content_type: str, *, is_html: bool) -> str:
    """Text of a body in its declared (or sniffed) encoding; undecodable bytes become U+FFFD."""
    return body.decode(charset_of(content_type, body, is_html=is_html), errors="replace")


def pdf_to_text(body: bytes) -> tuple[str, str]:
    """(title, text) of a PDF's first pages; needs pypdf (imported only for PDFs)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    title = ""
    if reader.metadata is not None and reader.metadata.title:
        title = str(reader.metadata.title)
    pages = [page.extract_text() or "" for page in reader.pages[:PDF_MAX_PAGES]]
    return title.strip(), _tidy(["\n".join(pages)])
