"""Uploaded files (the seed's uploaded_files) and who may read them.

A file is readable by its owner and, when it was uploaded into a workspace, by everyone who
may read that workspace (the rule of portal.db.repositories.workspaces). Only the owner
deletes it. Status moves pending -> processing -> completed | failed.
"""

# No `from __future__ import annotations`: pydantic would compile and eval each field annotation
# from its string when it builds the models (#14).

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from portal.db.executor import Executor

Status = Literal["pending", "processing", "completed", "failed"]


class UploadedFile(BaseModel):
    # Built at its first validation: the supervisor reads files only for a turn with attachments,
    # and the research steps that import this module only for citations (~1.5 ms each, #14).
    model_config = ConfigDict(defer_build=True)

    id: str
    user_empno: str
    workspace_id: str | None = None
    original_name: str
    stored_name: str
    file_type: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    storage_path: str
    checksum: str | None = None
    processing_status: Status = "pending"
    progress: int = 0
    status_reason: str | None = None
    page_count: int | None = None
    chunk_count: int | None = None
    source_etag: str | None = None
    embedding_model: str | None = None
    metadata: dict[str, Any] = {}
    created_at: datetime
    updated_at: datetime | None = None
    processed_at: datetime | None = None


# extracted_text is left out on purpose: it can be megabytes and no listing needs it.
_COLUMNS = (
    "f.id, f.user_empno, f.workspace_id, f.original_name, f.stored_name, f.file_type, f.file_size,"
    " f.mime_type, f.storage_path, f.checksum, f.processing_status, f.progress, f.status_reason,"
    " f.page_count, f.chunk_count, f.source_etag, f.embedding_model, f.metadata, f.created_at,"
    " f.updated_at, f.processed_at"
)

# Workspaces the user may read: owner, collaborator, public, or a team workspace of the same
# company (the same rule as workspaces.accessible_workspace_id, as a set).
_READABLE_WORKSPACES = """
    SELECT w.id FROM workspaces w JOIN users o ON o.empno = w.owner_empno
    WHERE w.status <> 'deleted' AND (
          w.owner_empno = :empno
       OR w.collaborators @> jsonb_build_array(jsonb_build_object('empno', :empno::text))
       OR w.visibility = 'public'
       OR (w.visibility = 'team' AND o.company_code IS NOT NULL AND o.company_code = :company_code))
"""
_READABLE = f"(f.user_empno = :empno OR f.workspace_id IN ({_READABLE_WORKSPACES}))"


def _one(row: dict[str, Any] | None) -> UploadedFile | None:
    return UploadedFile.model_validate(row) if row else None


def create(
    db: Executor,
    *,
    file_id: str,
    user_empno: str,
    workspace_id: str | None,
    original_name: str,
    stored_name: str,
    file_type: str,
    file_size: int,
    mime_type: str,
    storage_path: str,
) -> UploadedFile:
    """A pending file whose bytes have not arrived yet."""
    row = db.fetch_one(
        f"""
        INSERT INTO uploaded_files AS f (id, user_empno, workspace_id, original_name, stored_name, file_type,
                                         file_size, mime_type, storage_path)
        VALUES (:id::uuid, :user_empno, :workspace_id::uuid, :original_name, :stored_name, :file_type,
                :file_size, :mime_type, :storage_path)
        RETURNING {_COLUMNS}
        """,
        {
            "id": file_id,
            "user_empno": user_empno,
            "workspace_id": workspace_id,
            "original_name": original_name,
            "stored_name": stored_name,
            "file_type": file_type,
            "file_size": file_size,
            "mime_type": mime_type,
            "storage_path": storage_path,
        },
    )
    assert row is not None
    return UploadedFile.model_validate(row)


def lock_user_uploads(tx: Executor, *, user_empno: str) -> None:
    """Hold the user's upload lock until the transaction ends (must be called inside one).

    Serialises a user's uploads while their quota is checked, so two cannot both squeeze in.
    """
    tx.fetch_one("SELECT pg_advisory_xact_lock(hashtext(:empno)) IS NULL AS locked", {"empno": user_empno})


def used_bytes(db: Executor, *, user_empno: str) -> int:
    """Bytes the user's files occupy (declared sizes; every file counts until deleted)."""
    row = db.fetch_one(
        "SELECT COALESCE(SUM(file_size), 0)::bigint AS used FROM uploaded_files WHERE user_empno = :empno",
        {"empno": user_empno},
    )
    return int(row["used"]) if row else 0


def get(db: Executor, *, file_id: str) -> UploadedFile | None:
    """Any file by id (the ingest function, which acts for the owner)."""
    return _one(
        db.fetch_one(f"SELECT {_COLUMNS} FROM uploaded_files f WHERE f.id = :id::uuid", {"id": file_id})
    )


def get_by_path(db: Executor, *, storage_path: str) -> UploadedFile | None:
    """The file an S3 object key belongs to."""
    return _one(
        db.fetch_one(
            f"SELECT {_COLUMNS} FROM uploaded_files f WHERE f.storage_path = :path", {"path": storage_path}
        )
    )


def get_readable(db: Executor, *, file_id: str, empno: str, company_code: str | None) -> UploadedFile | None:
    """The file if this user may read it; None otherwise (callers answer 404)."""
    return _one(
        db.fetch_one(
            f"SELECT {_COLUMNS} FROM uploaded_files f WHERE f.id = :id::uuid AND {_READABLE}",
            {"id": file_id, "empno": empno, "company_code": company_code},
        )
    )


def list_readable(
    db: Executor,
    *,
    empno: str,
    company_code: str | None,
    workspace_id: str | None = None,
    status: Status | None = None,
    limit: int = 100,
) -> list[UploadedFile]:
    """Newest first: the user's own files, or every readable file of one workspace."""
    scope = (
        "f.workspace_id = :workspace_id::uuid AND " + _READABLE if workspace_id else "f.user_empno = :empno"
    )
    rows = db.fetch_all(
        f"""
        SELECT {_COLUMNS} FROM uploaded_files f
        WHERE {scope} AND (:status::text IS NULL OR f.processing_status = :status::text)
        ORDER BY f.created_at DESC, f.id LIMIT :limit
        """,
        {
            "empno": empno,
            "company_code": company_code,
            "workspace_id": workspace_id,
            "status": status,
            "limit": limit,
        },
    )
    return [UploadedFile.model_validate(r) for r in rows]


def readable_workspace_ids(db: Executor, *, empno: str, company_code: str | None) -> list[str]:
    """Ids of every workspace the user may read (the search scope besides their own files)."""
    rows = db.fetch_all(_READABLE_WORKSPACES, {"empno": empno, "company_code": company_code})
    return [r["id"] for r in rows]


def readable_completed(
    db: Executor, *, file_ids: list[str], empno: str, company_code: str | None
) -> dict[str, UploadedFile]:
    """Of these ids, the completed files the user may read, by id (the final say on search hits)."""
    if not file_ids:
        return {}
    rows = db.fetch_all(
        f"""
        SELECT {_COLUMNS} FROM uploaded_files f
        WHERE f.id IN (SELECT value::uuid FROM jsonb_array_elements_text(:ids::jsonb))
          AND f.processing_status = 'completed' AND {_READABLE}
        """,
        {"ids": sorted(set(file_ids)), "empno": empno, "company_code": company_code},
    )
    return {r["id"]: UploadedFile.model_validate(r) for r in rows}


# Workspaces the user is a current member of (owner or collaborator): the default scope of
# retrieval. Readable public and team workspaces are left out on purpose: anyone can put a file
# into their own public workspace, and it must not be quoted to others as their documents.
_MEMBER_WORKSPACES = """
    SELECT w.id FROM workspaces w
    WHERE w.status <> 'deleted' AND (
          w.owner_empno = :empno
       OR w.collaborators @> jsonb_build_array(jsonb_build_object('empno', :empno::text)))
"""


def member_workspace_ids(db: Executor, *, empno: str) -> list[str]:
    """Ids of the workspaces the user owns or collaborates on (not merely can read)."""
    return [r["id"] for r in db.fetch_all(_MEMBER_WORKSPACES, {"empno": empno})]


class Provenance(BaseModel):
    """Whose file a passage comes from and where it lives, shown with every citation."""

    model_config = ConfigDict(defer_build=True)  # built when a citation first needs it (#14)

    owner: str
    owner_name: str | None = None
    workspace_id: str | None = None
    workspace: str | None = None  # the workspace's title


def provenance(db: Executor, *, file_ids: list[str]) -> dict[str, Provenance]:
    """Owner and workspace of each of these files, by id."""
    if not file_ids:
        return {}
    rows = db.fetch_all(
        """
        SELECT f.id, f.user_empno AS owner, u.name_ko AS owner_name, f.workspace_id, w.title AS workspace
        FROM uploaded_files f
        LEFT JOIN users u ON u.empno = f.user_empno
        LEFT JOIN workspaces w ON w.id = f.workspace_id
        WHERE f.id IN (SELECT value::uuid FROM jsonb_array_elements_text(:ids::jsonb))
        """,
        {"ids": sorted(set(file_ids))},
    )
    return {r["id"]: Provenance.model_validate(r) for r in rows}


def start_processing(db: Executor, *, file_id: str, etag: str) -> UploadedFile | None:
    """Mark the file processing for this object version; None when it is already done for it.

    A file completed from the same ETag is not processed again (a redelivered event after the
    idempotency record expired); anything else (pending, failed, interrupted, a new version)
    starts or resumes.
    """
    return _one(
        db.fetch_one(
            f"""
            UPDATE uploaded_files AS f SET processing_status = 'processing', source_etag = :etag,
                   status_reason = NULL,
                   progress = CASE WHEN f.processing_status = 'processing' THEN f.progress ELSE 0 END,
                   -- attempts at this object version: the pipeline gives up after a few
                   metadata = f.metadata || jsonb_build_object('attempts',
                       CASE WHEN f.source_etag IS NOT DISTINCT FROM :etag
                            THEN COALESCE((f.metadata->>'attempts')::int, 0) + 1 ELSE 1 END)
            WHERE f.id = :id::uuid
              AND NOT (f.processing_status = 'completed' AND f.source_etag IS NOT DISTINCT FROM :etag)
            RETURNING {_COLUMNS}
            """,
            {"id": file_id, "etag": etag},
        )
    )


def set_progress(db: Executor, *, file_id: str, progress: int) -> bool:
    """Record progress of a processing file; False when the file is gone or no longer processing."""
    return (
        db.execute(
            """
            UPDATE uploaded_files SET progress = :progress
            WHERE id = :id::uuid AND processing_status = 'processing'
            """,
            {"id": file_id, "progress": max(0, min(100, progress))},
        )
        == 1
    )


def complete(
    db: Executor,
    *,
    file_id: str,
    file_type: str,
    checksum: str,
    page_count: int,
    chunk_count: int,
    embedding_model: str | None,
    extracted_text: str,
    note: str | None,
    metadata: dict[str, Any],
) -> UploadedFile | None:
    """Mark the file completed (note: why it has no text, when it has none)."""
    return _one(
        db.fetch_one(
            f"""
            UPDATE uploaded_files AS f SET processing_status = 'completed', progress = 100,
                   status_reason = :note, file_type = :file_type, checksum = :checksum,
                   page_count = :page_count, chunk_count = :chunk_count,
                   embedding_model = :embedding_model, extracted_text = :extracted_text,
                   metadata = f.metadata || :metadata::jsonb, processed_at = NOW()
            WHERE f.id = :id::uuid
            RETURNING {_COLUMNS}
            """,
            {
                "id": file_id,
                "note": note,
                "file_type": file_type,
                "checksum": checksum,
                "page_count": page_count,
                "chunk_count": chunk_count,
                "embedding_model": embedding_model,
                "extracted_text": extracted_text,
                "metadata": metadata,
            },
        )
    )


def fail(
    db: Executor,
    *,
    file_id: str,
    reason: str,
    checksum: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> UploadedFile | None:
    """Mark the file failed with a reason the owner can read."""
    return _one(
        db.fetch_one(
            f"""
            UPDATE uploaded_files AS f SET processing_status = 'failed', status_reason = :reason,
                   checksum = COALESCE(:checksum, f.checksum), chunk_count = 0,
                   metadata = f.metadata || :metadata::jsonb, processed_at = NOW()
            WHERE f.id = :id::uuid
            RETURNING {_COLUMNS}
            """,
            {"id": file_id, "reason": reason[:1000], "checksum": checksum, "metadata": metadata or {}},
        )
    )


# What the owner reads when a file stopped moving (no status or progress change in time).
STALLED_PROCESSING = (
    "Processing stopped without finishing (no progress for {minutes} minutes); upload the file again"
)
NEVER_UPLOADED = "The upload did not arrive before its link expired; upload the file again"


def fail_stalled(
    db: Executor, *, user_empno: str, processing_seconds: int, pending_seconds: int
) -> list[str]:
    """Fail this user's files that stopped moving; return their ids.

    Checked when the owner looks at their files rather than by a schedule: a schedule
    touching Aurora would keep it from pausing at 0 ACU. Progress updates bump updated_at,
    so only a pipeline that died (a killed last attempt, a lost event) is caught.
    """
    rows = db.fetch_all(
        """
        UPDATE uploaded_files AS f SET processing_status = 'failed', processed_at = NOW(), chunk_count = 0,
               status_reason = CASE WHEN f.processing_status = 'processing'
                                    THEN replace(:stalled, '{minutes}', (:processing_seconds / 60)::text)
                                    ELSE :never END
        WHERE f.user_empno = :empno
          AND ((f.processing_status = 'processing'
                AND f.updated_at < NOW() - make_interval(secs => :processing_seconds))
            OR (f.processing_status = 'pending'
                AND f.created_at < NOW() - make_interval(secs => :pending_seconds)))
        RETURNING f.id
        """,
        {
            "empno": user_empno,
            "processing_seconds": processing_seconds,
            "pending_seconds": pending_seconds,
            "stalled": STALLED_PROCESSING,
            "never": NEVER_UPLOADED,
        },
    )
    return [r["id"] for r in rows]


def find_completed_duplicate(
    db: Executor, *, user_empno: str, checksum: str, exclude_id: str, embedding_model: str
) -> UploadedFile | None:
    """An earlier completed file of the same user with the same bytes, indexed with the same model."""
    return _one(
        db.fetch_one(
            f"""
            SELECT {_COLUMNS} FROM uploaded_files f
            WHERE f.user_empno = :empno AND f.checksum = :checksum AND f.processing_status = 'completed'
              AND f.id <> :exclude::uuid
              AND (f.embedding_model = :model OR COALESCE(f.chunk_count, 0) = 0)
            ORDER BY f.processed_at DESC LIMIT 1
            """,
            {"empno": user_empno, "checksum": checksum, "exclude": exclude_id, "model": embedding_model},
        )
    )


def extracted_text(db: Executor, *, file_id: str) -> str | None:
    """The text extracted from a file (for reuse by an identical upload)."""
    row = db.fetch_one("SELECT extracted_text FROM uploaded_files WHERE id = :id::uuid", {"id": file_id})
    return row["extracted_text"] if row else None


def delete(db: Executor, *, file_id: str) -> bool:
    """Delete the row; its chunks go with it (ON DELETE CASCADE)."""
    return db.execute("DELETE FROM uploaded_files WHERE id = :id::uuid", {"id": file_id}) == 1
