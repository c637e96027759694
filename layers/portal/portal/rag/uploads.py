"""Starting an upload (checks, the pending row, a presigned POST) and deleting a file everywhere.

Used by the REST API and the CLI. Nothing here imports a parser or the embedding model.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from portal import aws, services
from portal.collab.access import require_write
from portal.db.executor import Executor
from portal.db.repositories import files
from portal.db.repositories.files import UploadedFile
from portal.db.repositories.users import User
from portal.errors import BadRequest, NotConfigured, NotFound, PayloadTooLarge, PortalError
from portal.observability import logger
from portal.rag import storage
from portal.rag.detect import kind_of_mime
from portal.settings import get_settings


class UnsupportedFileType(PortalError):
    status_code = 415
    code = "unsupported_type"


class QuotaExceeded(PortalError):
    status_code = 413
    code = "quota_exceeded"


@dataclass(frozen=True)
class Upload:
    file: UploadedFile
    presigned: dict[str, Any]  # {"url", "fields"}: a multipart/form-data POST with the file last
    expires_in: int


def _workspace_for_upload(db: Executor, user: User, workspace_id: str) -> str:
    try:
        wanted = str(uuid.UUID(workspace_id))
    except (ValueError, AttributeError, TypeError):
        raise NotFound("Workspace not found") from None
    # Files feed every member's RAG: editors and the owner only, in an active workspace.
    return require_write(db, user, wanted, "file").id


def normalise_type(mime_type: str) -> str:
    """The declared MIME type without parameters; UnsupportedFileType unless it is allowed."""
    mime = mime_type.split(";", 1)[0].strip().lower()
    if mime not in get_settings().allowed_upload_types or kind_of_mime(mime) is None:
        raise UnsupportedFileType(
            f"Files of type {mime_type!r} are not accepted",
            allowed=sorted(get_settings().allowed_upload_types),
        )
    return mime


def request_upload(
    db: Executor, *, user: User, name: str, size: int, mime_type: str, workspace_id: str | None = None
) -> Upload:
    """Check type, size and quota, create the pending file and presign its upload."""
    settings = get_settings()
    display_name = storage.validate_name(name)
    mime = normalise_type(mime_type)
    if size <= 0:
        raise BadRequest("The file is empty")
    if size > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"The file is {size:,} bytes; the limit is {settings.max_upload_bytes:,}",
            limit=settings.max_upload_bytes,
        )
    target_workspace = _workspace_for_upload(db, user, workspace_id) if workspace_id else None
    file_id = str(uuid.uuid4())
    key = storage.object_key(empno=user.empno, file_id=file_id, name=display_name)
    with db.transaction() as tx:
        # One upload at a time per user while the quota is checked, so two cannot both squeeze in.
        files.lock_user_uploads(tx, user_empno=user.empno)
        used = files.used_bytes(tx, user_empno=user.empno)
        if used + size > settings.user_quota_bytes:
            raise QuotaExceeded(
                f"This upload would bring your files to {used + size:,} bytes; your quota is "
                f"{settings.user_quota_bytes:,} bytes. Delete files you no longer need.",
                used=used,
                quota=settings.user_quota_bytes,
            )
        created = files.create(
            tx,
            file_id=file_id,
            user_empno=user.empno,
            workspace_id=target_workspace,
            original_name=display_name,
            stored_name=key.rsplit("/", 1)[1],
            file_type=kind_of_mime(mime) or "unknown",
            file_size=size,
            mime_type=mime,
            storage_path=key,
        )
    try:
        presigned = storage.presigned_post(
            aws.client("s3", settings.uploads_endpoint_url),
            bucket=settings.uploads_bucket,
            key=key,
            size=size,
            content_type=mime,
            expires_in=settings.upload_url_ttl_seconds,
        )
    except (ClientError, BotoCoreError) as exc:
        files.delete(db, file_id=file_id)
        logger.exception("could not presign an upload", extra={"file_id": file_id})
        raise NotConfigured("Uploads are not available right now; nothing was stored") from exc
    logger.info("upload presigned", extra={"file_id": file_id, "size": size, "type": mime})
    return Upload(file=created, presigned=presigned, expires_in=settings.upload_url_ttl_seconds)


def delete_file(db: Executor, *, user: User, file_id: str) -> None:
    """Remove the object, the file's chunks and vectors, and the row (owner only; others get 404)."""
    found = files.get(db, file_id=file_id)
    if found is None or found.user_empno != user.empno:
        raise NotFound("File not found")
    settings = get_settings()
    try:
        aws.client("s3").delete_object(Bucket=settings.uploads_bucket, Key=found.storage_path)
    except (ClientError, BotoCoreError) as exc:
        logger.exception("could not delete an uploaded object", extra={"file_id": file_id})
        raise NotConfigured("The file could not be deleted right now; nothing was changed") from exc
    try:
        from portal.rag.index import get_index

        get_index(db).delete_file(found.id)  # pgvector: the row's cascade would do it; OpenSearch needs it
    except ImportError:
        # The API function ships without opensearch-py; the ingest function removes the chunks
        # on the object's ObjectRemoved event, and search never returns chunks of a deleted row.
        logger.info("chunks left to the ingest function's ObjectRemoved handling", extra={"file_id": file_id})
    files.delete(db, file_id=found.id)
    logger.info("file deleted", extra={"file_id": file_id})


def status_event(file: UploadedFile) -> dict[str, Any]:
    """The `file.status` event pushed to the owner's sockets."""
    event: dict[str, Any] = {
        "type": "file.status",
        "file_id": file.id,
        "status": file.processing_status,
        "progress": file.progress,
    }
    if file.status_reason:
        event["reason"] = file.status_reason
    return event


def push_status(file: UploadedFile) -> None:
    """Tell the owner's open sockets; a failed push never fails the work that caused it."""
    sender = services.sender()
    if not sender.enabled:
        return
    try:
        sender.send_to_user(file.user_empno, status_event(file))
    except (ClientError, BotoCoreError):
        logger.warning("could not push a file status", extra={"file_id": file.id}, exc_info=True)
