"""Sample files for the RAG tests, made on the spot: real documents of every supported kind, and bad ones."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

from portal.rag.corpus import ImagePage, docx_bytes, english_page, pdf_bytes

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REFUND_PAGE = "Refunds\nRefunds are paid within 14 days of the request. The refund desk is on floor 7."


def policy_pdf(seed: int = 3) -> bytes:
    """Three text pages; page 2 is the refund page."""
    rng = random.Random(seed)
    return pdf_bytes([english_page(rng, "Travel policy"), REFUND_PAGE, english_page(rng, "Budget policy")])


def scanned_pdf() -> bytes:
    """A text page followed by a page that is only an image (a scan)."""
    return pdf_bytes(["Cover page of the scanned contract.", ImagePage(8, 8, bytes(range(192)))])


def encrypted_pdf(user_password: str = "s3cret", owner_password: str = "owner") -> bytes:
    """A PDF that needs `user_password` to open ("" opens one with an owner password only)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(policy_pdf())))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf() -> bytes:
    """A PDF header followed by garbage: no xref, no objects."""
    return b"%PDF-1.7\n" + bytes(random.Random(1).randrange(256) for _ in range(4000))


def leave_docx() -> bytes:
    """Two sections with a page break between them (Korean)."""
    return docx_bytes(
        "연차휴가 안내",
        [
            ("1. 발생 기준", ["1년 이상 근속한 직원에게는 연간 15일의 연차휴가가 발생한다."]),
            ("2. 특별휴가", ["배우자가 출산한 경우 10일의 출산휴가를 부여한다."]),
        ],
    )


def zip_bomb_docx() -> bytes:
    """A real Word document with one extra part that inflates a thousandfold (a zip bomb)."""
    source = zipfile.ZipFile(io.BytesIO(leave_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        bomb.writestr("word/media/filler.bin", bytes(24 * 1024 * 1024))
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not an office document")
    return out.getvalue()


def deck_pptx() -> bytes:
    """Two slides with titles, bullets and speaker notes."""
    import pptx

    deck = pptx.Presentation()
    for title, bullet, notes in (
        ("Q3 results", "Revenue grew 12% to 1.42 trillion KRW", ""),
        ("Outlook", "Hiring freeze except AI roles", "The CFO confirms the dividend in November."),
    ):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = bullet
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def budget_xlsx() -> bytes:
    """Two sheets with a header row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2026 예산"
    sheet.append(["부서", "예산(원)"])
    sheet.append(["인사팀", 120_000_000])
    sheet.append(["보안팀", 95_000_000])
    other = book.create_sheet("Headcount")
    other.append(["team", "people"])
    other.append(["Security", 14])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes(3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
