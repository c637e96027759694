"""Documents made on the spot: a minimal PDF writer and a generated corpus for `portal bench ingest`.

The writer produces real, valid PDFs (text with the standard Helvetica font, optional image
pages for scans) without any PDF library, so the benchmark and the tests need nothing but
the portal itself. Text is Latin-1 (the standard fonts carry no Hangul); Korean documents
of the corpus are Word and Markdown files.
"""

from __future__ import annotations

import io
import random
import textwrap
import zlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ImagePage:
    """A page that is one RGB image (a scan): width x height pixels."""

    width: int
    height: int
    rgb: bytes


PageContent = str | ImagePage

_LINE_HEIGHT = 14
_TOP, _LEFT = 800, 56
_WRAP = 92


def _escape(text: str) -> bytes:
    data = text.encode("latin-1", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_stream(text: str) -> bytes:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, _WRAP) or [""])
    ops = [b"BT", b"/F1 11 Tf", f"{_LINE_HEIGHT} TL".encode(), f"{_LEFT} {_TOP} Td".encode()]
    for line in lines[:54]:
        ops.append(b"(" + _escape(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def pdf_bytes(pages: Sequence[PageContent], *, title: str | None = None) -> bytes:
    """A PDF with one page per entry: text pages (Helvetica) or image-only pages."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled once the page tree exists
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids: list[int] = []
    for content in pages:
        resources = f"/Font << /F1 {font} 0 R >>".encode()
        if isinstance(content, ImagePage):
            pixels = zlib.compress(content.rgb)
            image = add(
                f"<< /Type /XObject /Subtype /Image /Width {content.width} /Height {content.height} "
                f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length {len(pixels)} >>\n".encode()
                + b"stream\n"
                + pixels
                + b"\nendstream"
            )
            resources += f" /XObject << /Im1 {image} 0 R >>".encode()
            stream = f"q 500 0 0 {int(500 * content.height / content.width)} 48 200 cm /Im1 Do Q".encode()
        else:
            stream = _text_stream(content)
        body = zlib.compress(stream)
        contents = add(
            f"<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode() + body + b"\nendstream"
        )
        kids.append(
            add(
                f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
                f"/Resources << ".encode()
                + resources
                + b" >> >>"
            )
        )
    objects[tree - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    info = ""
    if title:
        info_id = add(b"<< /Title (" + _escape(title) + b") >>")
        info = f" /Info {info_id} 0 R"
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


# --- a generated corpus ------------------------------------------------------------

_TOPICS = [
    "procurement",
    "travel",
    "security",
    "payroll",
    "onboarding",
    "vendor",
    "budget",
    "audit",
    "privacy",
    "safety",
]
_SUBJECTS = [
    "The finance team",
    "Each department",
    "The project owner",
    "An approver",
    "The requester",
    "Internal audit",
]
_VERBS = ["reviews", "approves", "records", "reconciles", "submits", "archives", "verifies", "escalates"]
_OBJECTS = [
    "the purchase order",
    "every invoice",
    "the travel request",
    "the access log",
    "the quarterly budget",
    "the vendor contract",
    "the expense report",
    "the incident ticket",
]
_TAILS = [
    "within five business days",
    "before the end of each month",
    "after the manager signs off",
    "according to policy section {n}",
    "unless the amount exceeds {amount} won",
    "in the shared register",
]
_KO_SUBJECTS = ["재무팀은", "각 부서는", "프로젝트 책임자는", "승인권자는", "신청자는", "내부감사팀은"]
_KO_OBJECTS = [
    "구매 요청서를",
    "모든 세금계산서를",
    "출장 신청서를",
    "접근 기록을",
    "분기 예산을",
    "공급업체 계약서를",
]
_KO_VERBS = ["검토합니다", "승인합니다", "기록합니다", "대사합니다", "제출합니다", "보관합니다"]
_KO_TAILS = [
    "영업일 기준 5일 이내에",
    "매월 말일 전에",
    "팀장 승인 후에",
    "규정 제{n}조에 따라",
    "금액이 {amount}원을 넘지 않으면",
]


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(_TAILS).format(n=rng.randint(2, 40), amount=f"{rng.randint(1, 90) * 100_000:,}")
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {tail}."


def _korean_sentence(rng: random.Random) -> str:
    tail = rng.choice(_KO_TAILS).format(n=rng.randint(2, 40), amount=f"{rng.randint(1, 90) * 100_000:,}")
    return f"{rng.choice(_KO_SUBJECTS)} {tail} {rng.choice(_KO_OBJECTS)} {rng.choice(_KO_VERBS)}."


def english_page(rng: random.Random, heading: str, sentences: int = 28) -> str:
    """One page of policy-like English prose under a heading."""
    paragraphs = [" ".join(_sentence(rng) for _ in range(7)) for _ in range(max(1, sentences // 7))]
    return heading + "\n" + "\n".join(paragraphs)


def korean_paragraphs(rng: random.Random, count: int) -> list[str]:
    """Paragraphs of policy-like Korean prose."""
    return [" ".join(_korean_sentence(rng) for _ in range(6)) for _ in range(count)]


def docx_bytes(title: str, sections: list[tuple[str, list[str]]], *, page_break_each: bool = True) -> bytes:
    """A Word document with a heading and paragraphs per section (a page break between sections)."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for number, (heading, paragraphs) in enumerate(sections):
        if number and page_break_each:
            document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx has no annotations here
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class CorpusFile:
    name: str
    mime: str
    data: bytes
    pages: int


def generate_corpus(*, pages: int = 400, seed: int = 7) -> list[CorpusFile]:
    """About `pages` pages across PDFs (English), Word documents and Markdown (Korean)."""
    rng = random.Random(seed)
    out: list[CorpusFile] = []
    made = 0
    number = 0
    while made < pages:
        number += 1
        kind = number % 4
        if kind in (1, 2):  # half of the files: 40-page PDFs
            count = min(40, pages - made)
            body = [
                english_page(rng, f"{rng.choice(_TOPICS).title()} policy, part {p + 1}") for p in range(count)
            ]
            out.append(CorpusFile(f"policy-{number:03d}.pdf", "application/pdf", pdf_bytes(body), count))
        elif kind == 3:
            count = min(20, pages - made)
            sections = [
                (f"{p + 1}. {rng.choice(_TOPICS)} 규정", korean_paragraphs(rng, 4)) for p in range(count)
            ]
            data = docx_bytes(f"사내 규정집 {number}", sections)
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            out.append(CorpusFile(f"규정집-{number:03d}.docx", mime, data, count))
        else:
            count = min(10, pages - made)
            text = "\n\n".join(
                f"## {p + 1}. {rng.choice(_TOPICS)} 안내\n\n" + "\n\n".join(korean_paragraphs(rng, 3))
                for p in range(count)
            )
            out.append(
                CorpusFile(
                    f"안내-{number:03d}.md", "text/markdown", f"# 안내서 {number}\n\n{text}\n".encode(), count
                )
            )
        made += count
    return out
