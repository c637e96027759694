"""Object keys and presigned uploads for the uploads bucket.

Keys are `uploads/{empno}/{file_id}/{safe name}`: the folder parts come from the verified
token and a generated UUID, and the name is reduced to letters, digits, '.', '-' and '_', so
no name can leave its prefix. A presigned POST (not PUT) is used because only a POST policy
can make S3 itself refuse a body larger than the size the user declared.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from portal.errors import BadRequest

UPLOADS_PREFIX = "uploads/"
MAX_NAME_CHARS = 255
_SAFE_NAME_CHARS = 120
_EMPNO = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
_UNSAFE = re.compile(r"[^\w.\-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KEY = re.compile(r"^uploads/([A-Za-z0-9_-]{1,20})/([0-9a-f-]{36})/([^/]+)$")


def validate_name(name: str) -> str:
    """The display name, trimmed; BadRequest for names with path separators or control characters."""
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise BadRequest("The file name is empty")
    if len(cleaned) > MAX_NAME_CHARS:
        raise BadRequest(f"The file name is longer than {MAX_NAME_CHARS} characters")
    if "/" in cleaned or "\\" in cleaned:
        raise BadRequest("The file name must not contain path separators ('/' or '\\')")
    if _CONTROL.search(cleaned):
        raise BadRequest("The file name must not contain control characters")
    if cleaned in (".", "..") or set(cleaned) == {"."}:
        raise BadRequest("The file name must not be made of dots only")
    return cleaned


def safe_name(name: str) -> str:
    """A key-safe version of a file name (Hangul kept, everything else outside [\\w.-] replaced)."""
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip("._") or "file"
    text = re.sub(r"_{2,}", "_", text)
    if len(text) > _SAFE_NAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        ext = ext[:16] if dot else ""
        text = (stem if dot else text)[: _SAFE_NAME_CHARS - len(ext) - 1].rstrip("._") + (
            f".{ext}" if ext else ""
        )
    return text


def object_key(*, empno: str, file_id: str, name: str) -> str:
    """The S3 key of an upload; BadRequest when the employee number cannot be a key segment."""
    if not _EMPNO.match(empno):
        raise BadRequest("This account's employee number cannot be used for uploads")
    return f"{UPLOADS_PREFIX}{empno}/{uuid.UUID(file_id)}/{safe_name(name)}"


@dataclass(frozen=True)
class KeyParts:
    empno: str
    file_id: str
    name: str


def parse_key(key: str) -> KeyParts | None:
    """The owner and file id encoded in an object key (S3 events URL-encode keys: decode first)."""
    match = _KEY.match(key)
    if not match:
        return None
    return KeyParts(empno=match.group(1), file_id=match.group(2), name=match.group(3))


def event_key(raw: str) -> str:
    """An S3 event's object key as stored (events carry it form-encoded)."""
    return unquote_plus(raw)


def presigned_post(
    client: Any, *, bucket: str, key: str, size: int, content_type: str, expires_in: int
) -> dict[str, Any]:
    """A presigned POST whose policy pins the key, the content type and the exact size."""
    return dict(
        client.generate_presigned_post(
            Bucket=bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[["content-length-range", size, size], {"Content-Type": content_type}],
            ExpiresIn=expires_in,
        )
    )
