"""Request and response bodies of /api/files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class FileCreate(BaseModel):
    """What the browser knows before uploading: the checks happen before any byte is sent."""

    name: str = Field(min_length=1, max_length=1000)
    size: int = Field(description="bytes")
    type: str = Field(min_length=1, max_length=200, description="the declared MIME type")
    workspace_id: str | None = None


class FileOut(BaseModel):
    id: str
    name: str
    size: int | None
    type: str | None  # the detected kind once processed (pdf, docx, ...), the declared one before
    mime_type: str | None
    workspace_id: str | None
    owner: str
    status: str
    progress: int
    reason: str | None  # why it failed, or why a completed file has no text
    pages: int | None
    chunks: int | None
    created_at: datetime
    processed_at: datetime | None


class PresignedUpload(BaseModel):
    """POST `fields` then the file (as the last form part named "file") to `url`."""

    method: str = "POST"
    url: str
    fields: dict[str, Any]
    expires_in: int
    max_bytes: int


class FileUploadOut(BaseModel):
    file: FileOut
    upload: PresignedUpload


class FileList(BaseModel):
    items: list[FileOut]
