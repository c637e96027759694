"""What each research query found: the Search map's items, their findings and summaries.

The findings live in S3 (store.py), too large for a Standard execution's 256 KB state; the
state carries a FindingSummary per query. Only the Search, Gaps and Synthesize steps read
these, so they are apart from the plan's models (models.py): the Plan step's cold start does
not create them (#14). Each is built at first use (defer_build): every step validates only some.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

WebStatus = Literal["ok", "empty", "failed", "not_configured"]
FilesStatus = Literal["ok", "empty", "failed", "not_available"]


class SearchTask(BaseModel):
    """One item of the Search map: a query of a round."""

    model_config = ConfigDict(defer_build=True)

    turn_id: str
    empno: str
    query: str
    index: int = 0
    round: int = 1


class WebFinding(BaseModel):
    model_config = ConfigDict(defer_build=True)

    title: str
    url: str
    snippet: str = ""
    excerpt: str = ""  # text read from the page (empty when it could not be read)
    published_at: str | None = None


class FilePassage(BaseModel):
    """A passage of one of the user's uploaded files."""

    model_config = ConfigDict(defer_build=True)

    file_id: str
    filename: str
    text: str
    score: float = 0.0
    page: int | None = None


class Findings(BaseModel):
    """Everything one query found (kept in S3; too large for the state)."""

    model_config = ConfigDict(defer_build=True)

    query: str
    round: int
    index: int
    web_status: WebStatus
    provider: str | None = None
    web: list[WebFinding] = []
    files_status: FilesStatus = "not_available"
    files: list[FilePassage] = []
    errors: list[str] = []


class SourceRef(BaseModel):
    model_config = ConfigDict(defer_build=True)

    title: str
    url: str | None = None


class FindingSummary(BaseModel):
    """What a Search map item returns into the state: counts, a few titles and the S3 key."""

    model_config = ConfigDict(defer_build=True)

    query: str
    round: int = 1
    index: int = 0
    key: str | None = None  # None when the item failed before storing anything
    web: int = 0
    files: int = 0
    web_status: WebStatus | Literal["failed"] = "failed"
    files_status: FilesStatus | Literal["failed"] = "failed"
    sources: list[SourceRef] = []
    error: str | None = None
