"""What a file really is, from its bytes (magic numbers), checked against what the upload declared.

The declared type only decides between formats the bytes cannot tell apart (plain text,
Markdown and CSV). Office documents are zip archives: their central directory is checked for
zip bombs before any parser inflates a byte.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from portal.rag.errors import FileRejected

# Declared MIME type -> the kind the pipeline extracts.
KIND_BY_MIME: dict[str, str] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/html": "html",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
MIME_BY_KIND: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "md": "text/markdown",
    "html": "text/html",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
# Kinds that one another's bytes may legitimately carry (a .jpg saved as PNG is still an image).
_FAMILY = {
    "pdf": "pdf",
    "docx": "docx",
    "pptx": "pptx",
    "xlsx": "xlsx",
    "csv": "text",
    "txt": "text",
    "md": "text",
    "html": "text",
    "png": "image",
    "jpeg": "image",
    "gif": "image",
    "webp": "image",
}
_LABEL = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "pptx": "a PowerPoint presentation",
    "xlsx": "an Excel workbook",
    "text": "text",
    "image": "an image",
    "zip": "a zip archive",
    "ole": "a legacy or password-protected Office file",
    "binary": "unrecognised binary data",
}
IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "webp"})
TEXT_KINDS = frozenset({"csv", "txt", "md", "html"})

# Office parts that identify the document type inside the zip.
_OFFICE_MARKERS = (
    ("word/document.xml", "docx"),
    ("ppt/presentation.xml", "pptx"),
    ("xl/workbook.xml", "xlsx"),
)
_MAX_ZIP_ENTRIES = 20_000
# Office XML compresses well (~10-30x); a ratio far beyond that, on a part big enough to
# matter, is a decompression bomb rather than a document.
_MAX_ENTRY_RATIO = 200
_RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Detected:
    kind: str  # pdf, docx, pptx, xlsx, csv, txt, md, html, png, jpeg, gif, webp
    mime: str


def kind_of_mime(mime: str) -> str | None:
    """The kind a declared MIME type stands for (parameters like charset are ignored)."""
    return KIND_BY_MIME.get(mime.split(";", 1)[0].strip().lower())


def _sniff(data: bytes) -> str:
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    return "text" if looks_like_text(data) else "binary"


def looks_like_text(data: bytes) -> bool:
    """True for bytes that decode as text (UTF-8/16 with BOM, UTF-8, or CP949) without NULs."""
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark; NULs are expected there
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "cp949"):
        try:
            # A multi-byte character may be cut at the sample's end: ignore only that tail.
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:
                return True
    return False


def check_archive(data: bytes, *, max_expanded_bytes: int) -> zipfile.ZipFile:
    """Open a zip only after its directory shows it cannot expand past the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(
            f"The file is a damaged zip archive and cannot be opened ({exc})", code="corrupt"
        ) from exc
    if len(entries) > _MAX_ZIP_ENTRIES:
        raise FileRejected(
            f"The archive holds {len(entries):,} parts; at most {_MAX_ZIP_ENTRIES:,} are accepted",
            code="zip_bomb",
        )
    expanded = sum(e.file_size for e in entries)
    if expanded > max_expanded_bytes:
        raise FileRejected(
            f"The archive would expand to {expanded:,} bytes, more than the {max_expanded_bytes:,} allowed "
            "(possible zip bomb)",
            code="zip_bomb",
        )
    for entry in entries:
        if entry.file_size >= _RATIO_CHECK_MIN_BYTES and entry.file_size > _MAX_ENTRY_RATIO * max(
            entry.compress_size, 1
        ):
            raise FileRejected(
                f"The part {entry.filename!r} expands {entry.file_size // max(entry.compress_size, 1):,}-fold "
                "(possible zip bomb)",
                code="zip_bomb",
            )
    return archive


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    return next((kind for marker, kind in _OFFICE_MARKERS if marker in names), None)


def detect(data: bytes, declared_mime: str, *, max_archive_expanded_bytes: int) -> Detected:
    """The file's kind from its bytes; FileRejected when empty, unsupported or not what was declared."""
    if not data:
        raise FileRejected("The file is empty", code="empty")
    declared = kind_of_mime(declared_mime)
    if declared is None:
        raise FileRejected(f"The declared type {declared_mime!r} is not supported", code="unsupported_type")
    sniffed = _sniff(data)
    if sniffed == "zip":
        archive = check_archive(data, max_expanded_bytes=max_archive_expanded_bytes)
        sniffed = _office_kind(archive) or "zip"
    family = _FAMILY.get(sniffed, sniffed)
    if family != _FAMILY[declared]:
        raise FileRejected(
            f"The content does not match the declared type: declared {_LABEL[_FAMILY[declared]]}, "
            f"but the bytes are {_LABEL.get(family, family)}",
            code="type_mismatch",
        )
    if family == "text":
        # Text formats look alike; trust the declaration, except that HTML announces itself.
        head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        kind = "html" if head.startswith((b"<!doctype html", b"<html")) else declared
    else:
        kind = sniffed
    return Detected(kind=kind, mime=MIME_BY_KIND[kind])
