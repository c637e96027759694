"""A link that opens a file the user may read (a citation's source), at a page for PDFs."""

from __future__ import annotations

from fastapi import APIRouter, Query

from portal.api.deps import CurrentUser, Db
from portal.api.ids import uuid_or_404
from portal.rag.file_links import FileLink, open_link

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{file_id}/link", response_model=FileLink)
def file_link(
    file_id: str,
    user: CurrentUser,
    db: Db,
    page: int | None = Query(None, ge=1, le=100_000, description="the cited page (PDFs open at it)"),
) -> FileLink:
    """A presigned GET (5 minutes) of the file, served inline; `#page=N` for a PDF."""
    return open_link(db, user=user, file_id=uuid_or_404(file_id, "File"), page=page)
