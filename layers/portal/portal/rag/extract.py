"""Text out of each supported kind, as segments that keep their page and section.

A "page" is what a reader would cite: a PDF page, a slide, a worksheet, or a page of a Word
document as Word last laid it out (its rendered page breaks). Plain text, Markdown, HTML
and CSV have no pages (page None); their sections come from headings.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

from portal.rag.detect import IMAGE_KINDS, MIME_BY_KIND
from portal.rag.errors import FileRejected


@dataclass(frozen=True)
class Segment:
    text: str
    page: int | None = None
    section: str | None = None
    heading: bool = False  # this segment is itself a heading (starts a section)


@dataclass
class Extracted:
    segments: list[Segment]
    page_count: int = 1
    pages_without_text: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    note: str | None = None  # why there is no (or only partial) text

    @property
    def text(self) -> str:
        """All text, in reading order."""
        return "\n\n".join(s.text for s in self.segments)


class Vision(Protocol):
    """Reads images with a multimodal model (Gemini when configured)."""

    def read_image(self, data: bytes, media_type: str, *, scanned_page: bool) -> str: ...


@dataclass(frozen=True)
class Limits:
    max_pages: int = 2000
    max_chars: int = 5_000_000
    deadline: float | None = None  # time.monotonic() value after which extraction gives up

    def check_time(self) -> None:
        """Stop before the function's own timeout would leave the file stuck in processing."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise FileRejected("Processing took too long and was stopped", code="timeout")


Progress = Callable[[int, int], None]  # (done, total) pages


def extract(
    kind: str,
    data: bytes,
    *,
    limits: Limits = Limits(),
    vision: Vision | None = None,
    on_progress: Progress | None = None,
) -> Extracted:
    """Segments of a document of a detected kind; FileRejected when it cannot be read."""
    if kind == "pdf":
        result = _pdf(data, limits, vision, on_progress)
    elif kind == "docx":
        result = _docx(data, limits)
    elif kind == "pptx":
        result = _pptx(data, limits)
    elif kind == "xlsx":
        result = _xlsx(data, limits)
    elif kind == "csv":
        result = _csv(decode_text(data), limits)
    elif kind == "txt":
        result = _plain(decode_text(data))
    elif kind == "md":
        result = _markdown(decode_text(data))
    elif kind == "html":
        result = _html(decode_text(data))
    elif kind in IMAGE_KINDS:
        result = _image(data, MIME_BY_KIND[kind], vision)
    else:
        raise FileRejected(f"Files of kind {kind!r} are not supported", code="unsupported_type")
    chars = sum(len(s.text) for s in result.segments)
    if chars > limits.max_chars:
        raise FileRejected(
            f"The document holds {chars:,} characters of text; at most {limits.max_chars:,} are indexed",
            code="too_large",
        )
    if not result.segments and result.note is None:
        result.note = "No text was found in the file"
    return result


# --- text ---------------------------------------------------------------------

_WS = re.compile(r"[ \t\u00a0\u3000]+")


def clean(text: str) -> str:
    """Collapse runs of spaces, drop NULs and trailing spaces; keep line breaks."""
    lines = (_WS.sub(" ", line).strip() for line in text.replace("\x00", "").splitlines())
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


_SPACED_SYLLABLE = re.compile(r"(?<![\uac00-\ud7a3])[\uac00-\ud7a3](?![\uac00-\ud7a3])")
_BETWEEN_SYLLABLES = re.compile(r"(?<=[\uac00-\ud7a3]) (?=[\uac00-\ud7a3])")


def join_spaced_hangul(text: str) -> str:
    """Undo "정 보 보 안": PDFs that place each syllable separately extract with a space between all.

    A line where most Hangul stands as single syllables is joined (word boundaries are lost,
    which keyword bigrams do not need); normal Korean lines are left alone.
    """
    out = []
    for line in text.split("\n"):
        hangul_runs = re.findall(r"[\uac00-\ud7a3]+", line)
        singles = len(_SPACED_SYLLABLE.findall(line))
        if len(hangul_runs) >= 5 and singles >= 0.9 * len(hangul_runs):
            line = _BETWEEN_SYLLABLES.sub("", line)
        out.append(line)
    return "\n".join(out)


def decode_text(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16 with BOM, or CP949 (legacy Korean Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _paragraphs(text: str, *, page: int | None = None, section: str | None = None) -> list[Segment]:
    return [Segment(p, page, section) for p in (clean(b) for b in re.split(r"\n\s*\n", text)) if p]


def _plain(text: str) -> Extracted:
    return Extracted(_paragraphs(text))


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links: keep the text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<!\w)([*_])(.+?)\1(?!\w)"), r"\2"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)


def _md_inline(line: str) -> str:
    for pattern, repl in _MD_INLINE:
        line = pattern.sub(repl, line)
    return line


def _markdown(text: str) -> Extracted:
    segments: list[Segment] = []
    section: str | None = None
    block: list[str] = []

    def flush() -> None:
        segments.extend(_paragraphs("\n".join(block), section=section))
        block.clear()

    in_fence = False
    for raw in text.splitlines():
        if raw.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _MD_HEADING.match(raw)
        if heading:
            flush()
            section = clean(_md_inline(heading.group(2)))
            segments.append(Segment(section, None, section, heading=True))
            continue
        line = raw if in_fence else _md_inline(re.sub(r"^\s{0,3}(?:[-*+]|\d+[.)]|>)\s+", "", raw))
        if not in_fence and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line) and "-" in line:
            continue  # a table's header separator row
        block.append(line.replace("|", " | ") if "|" in line and not in_fence else line)
    flush()
    return Extracted(segments)


class _HtmlText(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "ul",
            "ol",
            "blockquote",
            "pre",
            "hr",
            "dd",
            "dt",
            "main",
            "aside",
            "nav",
            "figure",
            "figcaption",
            "form",
        }
    )
    _HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[Segment] = []
        self.title: str | None = None
        self._skip = 0
        self._in_title = False
        self._heading: list[str] | None = None
        self._buffer: list[str] = []
        self._section: str | None = None

    def _flush(self) -> None:
        self.segments.extend(_paragraphs("".join(self._buffer), section=self._section))
        self._buffer.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
            self._in_title = False
        elif tag == "title":
            self._in_title = True
        elif tag in self._HEADINGS:
            self._flush()
            self._heading = []
        elif tag in ("td", "th"):
            self._buffer.append(" | ")
        elif tag in self._BLOCK:
            self._buffer.append("\n\n" if tag in ("p", "div", "table", "section", "article") else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self._buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self._HEADINGS and self._heading is not None:
            text = clean(" ".join(self._heading))
            self._heading = None
            if text:
                self._section = text
                self.segments.append(Segment(text, None, text, heading=True))
        elif tag in self._BLOCK:
            self._buffer.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = clean(data) or self.title
        elif self._skip:
            return
        elif self._heading is not None:
            self._heading.append(data)
        else:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _html(text: str) -> Extracted:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    segments = parser.segments
    if parser.title and not any(s.heading for s in segments[:1]):
        segments = [Segment(parser.title, None, parser.title, heading=True), *segments]
    return Extracted(segments)


# --- tables (CSV, XLSX) -----------------------------------------------------------

_ROWS_PER_SEGMENT = 20


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value)).replace("\n", " ")


def _row_line(header: list[str], cells: list[str]) -> str:
    """One row as "header: value; ..." (cells beyond the header get a numbered column name)."""
    pairs = [f"{header[i] if i < len(header) else f'column {i + 1}'}: {c}" for i, c in enumerate(cells) if c]
    return "; ".join(pairs)


def _rows_segment(lines: list[str], page: int | None, section: str | None, first: int, last: int) -> Segment:
    where = f"{section + ' ' if section else ''}rows {first}-{last}"
    return Segment("\n".join(lines), page, where)


def _table_segments(
    rows: Iterator[list[Any]], *, page: int | None, section: str | None, limits: Limits
) -> list[Segment]:
    """Rows as "header: value; ..." lines, so every chunk carries its column names."""
    header: list[str] | None = None
    lines: list[str] = []
    segments: list[Segment] = []
    first_row = 0
    chars = 0
    for number, row in enumerate(rows, start=1):
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            header = [c or f"column {i + 1}" for i, c in enumerate(cells)]
            first_row = number + 1
            continue
        lines.append(_row_line(header, cells))
        chars += len(lines[-1])
        if chars > limits.max_chars:
            raise FileRejected(
                f"The table holds more than {limits.max_chars:,} characters of text", code="too_large"
            )
        if len(lines) >= _ROWS_PER_SEGMENT:
            segments.append(_rows_segment(lines, page, section, first_row, number))
            lines, first_row = [], number + 1
    if lines:
        segments.append(_rows_segment(lines, page, section, first_row, first_row + len(lines) - 1))
    if header is not None and not segments:
        segments.append(Segment("; ".join(header), page, section))
    return segments


def _csv(text: str, limits: Limits) -> Extracted:
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        segments = _table_segments(iter(reader), page=None, section=None, limits=limits)
    except csv.Error as exc:
        raise FileRejected(f"The CSV file cannot be parsed ({exc})", code="corrupt") from exc
    return Extracted(segments)


def _xlsx(data: bytes, limits: Limits) -> Extracted:
    import openpyxl  # parsers import on first use: the API never needs them

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise FileRejected(
            f"The Excel workbook cannot be opened ({type(exc).__name__}: {exc})", code="corrupt"
        ) from exc
    segments: list[Segment] = []
    empty: list[int] = []
    try:
        sheets = list(book.worksheets)
        if len(sheets) > limits.max_pages:
            raise FileRejected(
                f"The workbook has {len(sheets)} sheets; at most {limits.max_pages} are accepted",
                code="too_large",
            )
        for number, sheet in enumerate(sheets, start=1):
            limits.check_time()
            rows = (list(r) for r in sheet.iter_rows(values_only=True))
            found = _table_segments(rows, page=number, section=sheet.title, limits=limits)
            if found:
                segments.append(Segment(sheet.title, number, sheet.title, heading=True))
                segments.extend(found)
            else:
                empty.append(number)
    finally:
        book.close()
    return Extracted(segments, page_count=len(sheets), pages_without_text=empty)


# --- Word, PowerPoint --------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(heading|title|제목)\s*(\d*)", re.IGNORECASE)


def _docx(data: bytes, limits: Limits) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors... on damaged files
        raise FileRejected(
            f"The Word document cannot be opened ({type(exc).__name__}: {exc})", code="corrupt"
        ) from exc
    body = document.element.body
    # Word writes lastRenderedPageBreak where its layout broke pages; documents from other
    # writers carry only explicit page breaks. Use the rendered ones when there are any.
    rendered = bool(body.findall(f".//{_W}lastRenderedPageBreak"))

    def breaks(element: Any) -> int:
        if rendered:
            return len(element.findall(f".//{_W}lastRenderedPageBreak"))
        return sum(1 for br in element.iter(f"{_W}br") if br.get(f"{_W}type") == "page")

    segments: list[Segment] = []
    page, section = 1, None
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            page += breaks(child)
            text = clean(paragraph.text)
            if not text:
                continue
            style = paragraph.style.name if paragraph.style is not None else ""
            if _HEADING_STYLE.match(style or ""):
                section = text
                segments.append(Segment(text, page, section, heading=True))
            else:
                segments.append(Segment(text, page, section))
        elif child.tag == f"{_W}tbl":
            table = Table(child, document)
            page += breaks(child)
            rows = []
            for row in table.rows:
                cells = list(dict.fromkeys(clean(c.text) for c in row.cells))  # merged cells repeat
                if any(cells):
                    rows.append(" | ".join(cells))
            if rows:
                segments.append(Segment("\n".join(rows), page, section))
        if page > limits.max_pages:
            raise FileRejected(f"The document has more than {limits.max_pages} pages", code="too_large")
    return Extracted(segments, page_count=page)


def _shape_texts(shapes: Any) -> Iterator[str]:
    for shape in shapes:
        if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shape_texts(shape.shapes)
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                yield " | ".join(clean(c.text) for c in row.cells)
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.text_frame.text


def _slide_title(slide: Any) -> tuple[str, Any]:
    """The slide's title text ("" without one) and the id of its title shape (None without one)."""
    title_shape = slide.shapes.title
    if title_shape is None:
        return "", None
    title = clean(title_shape.text_frame.text) if title_shape.has_text_frame else ""
    return title, title_shape.shape_id


def _slide_notes(slide: Any) -> str:
    if not slide.has_notes_slide or not slide.notes_slide.notes_text_frame:
        return ""
    return clean(slide.notes_slide.notes_text_frame.text)


def _slide_segments(slide: Any, number: int) -> list[Segment]:
    """A slide's title (as a heading), its shapes' texts and its speaker notes."""
    title, title_id = _slide_title(slide)
    section = title or f"Slide {number}"
    texts = [clean(t) for t in _shape_texts(s for s in slide.shapes if s.shape_id != title_id)]
    texts = [t for t in texts if t]
    if notes := _slide_notes(slide):
        texts.append(f"Notes: {notes}")
    heading = [Segment(title, number, section, heading=True)] if title else []
    return heading + [Segment(t, number, section) for t in texts]


def _pptx(data: bytes, limits: Limits) -> Extracted:
    import pptx

    try:
        deck = pptx.Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises many types on damaged files
        raise FileRejected(
            f"The presentation cannot be opened ({type(exc).__name__}: {exc})", code="corrupt"
        ) from exc
    slides = list(deck.slides)
    if len(slides) > limits.max_pages:
        raise FileRejected(
            f"The presentation has {len(slides)} slides; at most {limits.max_pages} are accepted",
            code="too_large",
        )
    segments: list[Segment] = []
    empty: list[int] = []
    for number, slide in enumerate(slides, start=1):
        limits.check_time()
        found = _slide_segments(slide, number)
        segments.extend(found)
        if not found:
            empty.append(number)
    return Extracted(segments, page_count=len(slides), pages_without_text=empty)


# --- PDF -------------------------------------------------------------------------

_MIN_PAGE_CHARS = 3  # fewer characters than this: the page is a scan (or blank)


def _open_pdf(data: bytes) -> Any:
    """A readable PdfReader (FileRejected: encrypted with a password, damaged, or empty)."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs carry only an owner password (printing/copying limits) and open with
            # an empty user password; anything else needs a password we do not have.
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise FileRejected(
                    f"The PDF is encrypted with a method that cannot be opened here ({exc})", code="encrypted"
                ) from exc
            if opened == PasswordType.NOT_DECRYPTED:
                raise FileRejected(
                    "The PDF is password-protected; upload a copy without a password", code="encrypted"
                )
        total = len(reader.pages)
    except FileRejected:
        raise
    except FileNotDecryptedError as exc:
        raise FileRejected(
            "The PDF is password-protected; upload a copy without a password", code="encrypted"
        ) from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise FileRejected(
            f"The PDF is damaged and cannot be read ({type(exc).__name__}: {exc})", code="corrupt"
        ) from exc
    if total == 0:
        raise FileRejected("The PDF has no pages", code="corrupt")
    return reader


def _page_text(page: Any, vision: Vision | None) -> tuple[str, bool, bool]:
    """(text, read by OCR, unreadable) of one page; a damaged page is empty, not an error."""
    damaged = False
    try:
        text = join_spaced_hangul(clean(page.extract_text() or ""))
    except Exception:  # one damaged page must not lose the rest of the document
        text, damaged = "", True
    if len(text) < _MIN_PAGE_CHARS and vision is not None:
        scanned = _ocr_page(page, vision)
        return scanned, bool(scanned), damaged
    return text, False, damaged


def _pdf_note(empty: list[int], total: int, has_text: bool, vision: Vision | None) -> str | None:
    """What the pages without text mean for the user (scans, and how they could be read)."""
    if not empty:
        return None
    if not has_text:
        return "No text: the PDF's pages are scanned images" + (
            "" if vision is not None else "; configure a multimodal model (GOOGLE_API_KEY) to read them"
        )
    return f"{len(empty)} of {total} pages have no text" + (
        "" if vision is not None else " (scanned pages are read only when a multimodal model is configured)"
    )


def _pdf(data: bytes, limits: Limits, vision: Vision | None, on_progress: Progress | None) -> Extracted:
    reader = _open_pdf(data)
    total = len(reader.pages)
    if total > limits.max_pages:
        raise FileRejected(
            f"The PDF has {total:,} pages; at most {limits.max_pages:,} are accepted", code="too_large"
        )
    segments: list[Segment] = []
    empty: list[int] = []
    ocr: list[int] = []
    unreadable = 0
    for number, page in enumerate(reader.pages, start=1):
        limits.check_time()
        text, by_ocr, damaged = _page_text(page, vision)
        unreadable += damaged
        if by_ocr:
            ocr.append(number)
        if len(text) < _MIN_PAGE_CHARS:
            empty.append(number)
        else:
            segments.extend(_paragraphs(text, page=number))
        if on_progress:
            on_progress(number, total)
    if unreadable == total:
        raise FileRejected("The PDF is damaged: none of its pages could be read", code="corrupt")
    note = _pdf_note(empty, total, bool(segments), vision)
    return Extracted(segments, page_count=total, pages_without_text=empty, ocr_pages=ocr, note=note)


def _ocr_page(page: Any, vision: Vision) -> str:
    """The text of a scanned page: its largest embedded image, read by the multimodal model."""
    try:
        images = list(page.images)
    except Exception:  # an image the PDF library cannot decode is a page we cannot read
        return ""
    if not images:
        return ""
    largest = max(images, key=lambda im: len(im.data))
    data, media_type = _as_supported_image(largest)
    if data is None:
        return ""
    return clean(vision.read_image(data, media_type, scanned_page=True))


def _as_supported_image(image: Any) -> tuple[bytes | None, str]:
    name = str(getattr(image, "name", "")).lower()
    if name.endswith((".jpg", ".jpeg")):
        return image.data, "image/jpeg"
    if name.endswith(".png"):
        return image.data, "image/png"
    try:
        buffer = io.BytesIO()
        image.image.save(buffer, format="PNG")  # Pillow decodes the other filters
        return buffer.getvalue(), "image/png"
    except Exception:  # undecodable image data
        return None, ""


# --- images ------------------------------------------------------------------------


def _image(data: bytes, media_type: str, vision: Vision | None) -> Extracted:
    if vision is None:
        return Extracted(
            [],
            note="No text: images are described and read only when a multimodal model (GOOGLE_API_KEY) "
            "is configured; the image is stored",
        )
    text = clean(vision.read_image(data, media_type, scanned_page=False))
    if not text:
        return Extracted([], note="No text: the model found nothing to describe in the image")
    return Extracted(_paragraphs(text, page=1, section="image"), page_count=1)
