"""Uploaded files: presign an upload, watch its processing, list and delete.

Another user's file is 404 (never 403), except that members of a workspace read its files.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response

from portal.api.deps import CurrentUser, Db
from portal.api.ids import uuid_or_404
from portal.api.schemas_files import FileCreate, FileList, FileOut, FileUploadOut, PresignedUpload
from portal.db.repositories import files
from portal.db.repositories.files import UploadedFile
from portal.errors import NotFound
from portal.rag import uploads
from portal.settings import get_settings

router = APIRouter(prefix="/files", tags=["files"])


def file_out(f: UploadedFile) -> FileOut:
    """The API's view of a file row."""
    return FileOut(
        id=f.id,
        name=f.original_name,
        size=f.file_size,
        type=f.file_type,
        mime_type=f.mime_type,
        workspace_id=f.workspace_id,
        owner=f.user_empno,
        status=f.processing_status,
        progress=f.progress,
        reason=f.status_reason,
        pages=f.page_count,
        chunks=f.chunk_count,
        created_at=f.created_at,
        processed_at=f.processed_at,
    )


@router.post("", response_model=FileUploadOut, status_code=201)
def create_upload(body: FileCreate, user: CurrentUser, db: Db) -> FileUploadOut:
    """Check type, size and quota, create the pending file and return its presigned POST."""
    upload = uploads.request_upload(
        db, user=user, name=body.name, size=body.size, mime_type=body.type, workspace_id=body.workspace_id
    )
    return FileUploadOut(
        file=file_out(upload.file),
        upload=PresignedUpload(
            url=upload.presigned["url"],
            fields=upload.presigned["fields"],
            expires_in=upload.expires_in,
            max_bytes=upload.file.file_size or 0,
        ),
    )


def fail_stalled_files(db: Db, empno: str) -> None:
    """No file stays 'processing' (or 'pending') forever: stalled ones fail with a reason."""
    settings = get_settings()
    files.fail_stalled(
        db,
        user_empno=empno,
        processing_seconds=settings.ingest_stall_seconds,
        # The presigned upload link expires; a little grace for a slow last upload.
        pending_seconds=settings.upload_url_ttl_seconds + 300,
    )


@router.get("", response_model=FileList)
def list_files(
    user: CurrentUser,
    db: Db,
    workspace_id: str | None = None,
    status: Literal["pending", "processing", "completed", "failed"] | None = None,
    limit: int = Query(100, ge=1, le=500),
) -> FileList:
    """The user's files, or a readable workspace's files, newest first."""
    fail_stalled_files(db, user.empno)
    if workspace_id is not None:
        workspace_id = uuid_or_404(workspace_id, "Workspace")
        if workspace_id not in files.readable_workspace_ids(
            db, empno=user.empno, company_code=user.company_code
        ):
            raise NotFound("Workspace not found")
    items = files.list_readable(
        db,
        empno=user.empno,
        company_code=user.company_code,
        workspace_id=workspace_id,
        status=status,
        limit=limit,
    )
    return FileList(items=[file_out(f) for f in items])


@router.get("/{file_id}", response_model=FileOut)
def get_file(file_id: str, user: CurrentUser, db: Db) -> FileOut:
    """Status, progress and reason of one file."""
    fail_stalled_files(db, user.empno)
    found = files.get_readable(
        db, file_id=uuid_or_404(file_id, "File"), empno=user.empno, company_code=user.company_code
    )
    if found is None:
        raise NotFound("File not found")
    return file_out(found)


@router.delete("/{file_id}", status_code=204)
def delete_file(file_id: str, user: CurrentUser, db: Db) -> Response:
    """Remove the object, the file's chunks and vectors, and the record."""
    uploads.delete_file(db, user=user, file_id=uuid_or_404(file_id, "File"))
    return Response(status_code=204)
