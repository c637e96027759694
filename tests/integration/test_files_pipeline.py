"""Ingest over real PostgreSQL and moto: S3 ObjectCreated -> the ingest function -> indexed chunks.

Objects are put into moto's bucket, whose notification runs functions/ingest in-process,
exactly as the local target does; retries and crashes are driven through the pipeline itself.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from portal import aws
from portal.db.repositories import files, users
from portal.db.repositories.files import UploadedFile
from portal.local.functions import invoke
from portal.rag import uploads
from portal.rag.corpus import english_page, pdf_bytes
from portal.rag.embed import get_embedder
from portal.rag.index.pgvector import PgVectorIndex
from portal.rag.pipeline import EMBED_BATCH, Run, ingest_object
from portal.rag.retrieve import search
from portal.settings import get_settings

from tests.unit.rag_samples import (
    DOCX,
    PDF,
    corrupt_pdf,
    encrypted_pdf,
    leave_docx,
    png,
    policy_pdf,
    zip_bomb_docx,
)

pytestmark = pytest.mark.integration
BUCKET = "portal-uploads"


@pytest.fixture
def owner(db, aws):
    return users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[]
    )


def _upload(
    db, user, data: bytes, *, name: str = "policy.pdf", mime: str = PDF, size: int | None = None
) -> UploadedFile:
    """Request an upload, then put the bytes into S3 (moto runs the ingest function) and read the row."""
    upload = uploads.request_upload(db, user=user, name=name, size=size or len(data), mime_type=mime)
    aws.client("s3").put_object(Bucket=BUCKET, Key=upload.file.storage_path, Body=data, ContentType=mime)
    row = files.get(db, file_id=upload.file.id)
    assert row is not None
    return row


def _chunk_rows(db, file_id: str) -> list[dict[str, Any]]:
    return db.fetch_all(
        "SELECT chunk_index, page FROM file_chunks WHERE file_id = :id::uuid ORDER BY chunk_index",
        {"id": file_id},
    )


def _long_pdf(pages: int = 14) -> bytes:
    rng = random.Random(11)
    return pdf_bytes([english_page(rng, f"Chapter {p}") for p in range(1, pages + 1)])


def test_an_uploaded_pdf_is_completed_with_its_pages_and_chunks(db, owner) -> None:
    done = _upload(db, owner, policy_pdf())
    assert (done.processing_status, done.progress, done.file_type, done.page_count) == (
        "completed",
        100,
        "pdf",
        3,
    )
    rows = _chunk_rows(db, done.id)
    assert len(rows) == done.chunk_count > 0
    assert {r["page"] for r in rows} == {1, 2, 3}
    assert done.checksum and done.embedding_model == get_embedder().key
    passages = search(db, empno="E1001", question="When are refunds paid?", k=3)
    assert (passages[0].file_id, passages[0].page, passages[0].name) == (done.id, 2, "policy.pdf")


def test_a_redelivered_event_does_nothing_twice(db, owner) -> None:
    done = _upload(db, owner, policy_pdf())
    head = aws.client("s3").head_object(Bucket=BUCKET, Key=done.storage_path)
    event = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": BUCKET},
                    "object": {
                        "key": done.storage_path,
                        "eTag": head["ETag"].strip('"'),
                        "size": done.file_size,
                    },
                },
            }
        ]
    }
    result, error = invoke("portal-ingest", event)
    assert error is None and result["records"][0]["status"] == "completed"
    again = files.get(db, file_id=done.id)
    assert again is not None
    assert (again.updated_at, again.metadata["attempts"]) == (done.updated_at, 1)
    assert len(_chunk_rows(db, done.id)) == done.chunk_count


class CrashingEmbedder:
    """The real embedder, but the process "dies" after `batches` batches (fault injection)."""

    def __init__(self, batches: int | None) -> None:
        self._real = get_embedder()
        self.key, self.dimensions = self._real.key, self._real.dimensions
        self._left = batches
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self._left is not None:
            if self._left == 0:
                raise ConnectionError("the container was recycled mid-ingest")
            self._left -= 1
        self.embedded += len(texts)
        return self._real.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._real.embed_query(text)


def _pending_object(db, user, data: bytes) -> tuple[UploadedFile, str]:
    """A file whose object is stored but not processed yet (the notification is not configured)."""
    aws.client("s3").put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={})
    upload = uploads.request_upload(db, user=user, name="long.pdf", size=len(data), mime_type=PDF)
    stored = aws.client("s3").put_object(
        Bucket=BUCKET, Key=upload.file.storage_path, Body=data, ContentType=PDF
    )
    return upload.file, stored["ETag"].strip('"')


def _run(db, embedder) -> Run:
    return Run(db, PgVectorIndex(db), embedder, None, get_settings(), notify=lambda _file: None)


def test_a_retry_after_a_crash_resumes_from_the_stored_chunks_without_duplicates(db, owner) -> None:
    pending, etag = _pending_object(db, owner, _long_pdf(pages=50))  # ~150 chunks: two batches
    with pytest.raises(ConnectionError):
        ingest_object(BUCKET, pending.storage_path, etag, run=_run(db, CrashingEmbedder(batches=1)))
    stuck = files.get(db, file_id=pending.id)
    assert stuck is not None and stuck.processing_status == "processing"
    # The first batch was stored before the crash (the second was being embedded meanwhile).
    assert len(_chunk_rows(db, pending.id)) == EMBED_BATCH

    resumed = CrashingEmbedder(batches=None)
    outcome = ingest_object(BUCKET, pending.storage_path, etag, run=_run(db, resumed))
    assert outcome is not None and outcome.status == "completed"
    rows = _chunk_rows(db, pending.id)
    assert [r["chunk_index"] for r in rows] == list(range(outcome.chunks))
    assert resumed.embedded == outcome.chunks - EMBED_BATCH  # only what the crash left undone


def test_the_last_attempt_marks_the_file_failed_instead_of_leaving_it_processing(db, owner) -> None:
    pending, etag = _pending_object(db, owner, policy_pdf())
    for _ in range(2):
        with pytest.raises(ConnectionError):
            ingest_object(BUCKET, pending.storage_path, etag, run=_run(db, CrashingEmbedder(batches=0)))
    outcome = ingest_object(BUCKET, pending.storage_path, etag, run=_run(db, CrashingEmbedder(batches=0)))
    assert outcome is not None and outcome.status == "failed"
    failed = files.get(db, file_id=pending.id)
    assert failed is not None and failed.processing_status == "failed"
    assert "after 3 attempts" in (failed.status_reason or "")
    assert _chunk_rows(db, pending.id) == []


def test_the_same_user_uploading_the_same_bytes_reuses_the_earlier_result(db, owner) -> None:
    first = _upload(db, owner, policy_pdf(), name="a.pdf")
    second = _upload(db, owner, policy_pdf(), name="copy of a.pdf")
    assert second.processing_status == "completed"
    assert second.metadata.get("reused_from") == first.id
    assert (second.chunk_count, second.page_count) == (first.chunk_count, first.page_count)
    assert len(_chunk_rows(db, second.id)) == first.chunk_count


def test_another_users_identical_upload_is_processed_for_them(db, owner) -> None:
    _upload(db, owner, policy_pdf())
    other = users.upsert_from_claims(
        db, empno="E2002", name_ko="김철수", company=None, company_code=None, roles=[]
    )
    theirs = _upload(db, other, policy_pdf())
    assert theirs.processing_status == "completed" and "reused_from" not in theirs.metadata


@pytest.mark.parametrize(
    ("name", "mime", "data", "reason"),
    [
        ("broken.pdf", PDF, corrupt_pdf(), "damaged"),
        ("locked.pdf", PDF, encrypted_pdf(), "password-protected"),
        ("bomb.docx", DOCX, zip_bomb_docx(), "zip bomb"),
        ("photo.pdf", PDF, png(), "does not match the declared type"),
    ],
    # Fixed ids: pytest would spell the files' bytes into the id (and PYTEST_CURRENT_TEST, which
    # every subprocess inherits: the zip bomb's made it too long for exec).
    ids=["corrupt", "encrypted", "zip-bomb", "wrong-type"],
)
def test_a_bad_file_fails_with_a_reason_and_nothing_else_is_affected(
    db, owner, name, mime, data, reason
) -> None:
    good = _upload(db, owner, leave_docx(), name="leave.docx", mime=DOCX)
    bad = _upload(db, owner, data, name=name, mime=mime)
    assert bad.processing_status == "failed" and reason in (bad.status_reason or "")
    assert _chunk_rows(db, bad.id) == []
    still = files.get(db, file_id=good.id)
    assert still is not None and still.processing_status == "completed"
    assert search(db, empno="E1001", question="배우자 출산휴가", k=1)[0].file_id == good.id


def test_an_object_smaller_than_declared_fails(db, owner) -> None:
    data = policy_pdf()
    short = _upload(db, owner, data, size=len(data) + 10)
    assert short.processing_status == "failed" and "were declared" in (short.status_reason or "")


def test_an_image_without_a_multimodal_model_completes_with_a_no_text_status(db, owner) -> None:
    image = _upload(db, owner, png(), name="whiteboard.png", mime="image/png")
    assert (image.processing_status, image.chunk_count) == ("completed", 0)
    assert (image.status_reason or "").startswith("No text")


def test_an_object_without_an_upload_row_is_ignored(db, owner) -> None:
    aws.client("s3").put_object(
        Bucket=BUCKET, Key="uploads/E1001/00000000-0000-0000-0000-000000000001/x.pdf", Body=b"%PDF-1.7"
    )
    assert db.fetch_one("SELECT count(*) AS n FROM uploaded_files")["n"] == 0


class DeletingEmbedder(CrashingEmbedder):
    """The owner deletes the file while its first batch is being embedded."""

    def __init__(self, db, file_id: str) -> None:
        super().__init__(batches=None)
        self._db, self._file_id = db, file_id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        files.delete(self._db, file_id=self._file_id)
        return super().embed_documents(texts)


def test_a_file_deleted_while_it_is_processed_leaves_nothing_behind(db, owner) -> None:
    pending, etag = _pending_object(db, owner, policy_pdf())
    outcome = ingest_object(
        BUCKET, pending.storage_path, etag, run=_run(db, DeletingEmbedder(db, pending.id))
    )
    assert outcome is not None and outcome.status == "deleted"
    assert db.fetch_one("SELECT count(*) AS n FROM file_chunks")["n"] == 0


def test_with_opensearch_an_upload_is_indexed_there_and_its_removal_event_clears_it(
    db, owner, monkeypatch
) -> None:
    from portal import services
    from portal.rag import index as index_module

    from tests.unit.rag_opensearch_fake import fake_client

    client, cluster = fake_client()
    monkeypatch.setenv("PORTAL_VECTOR_STORE", "opensearch")
    monkeypatch.setenv("PORTAL_OPENSEARCH_ENDPOINT", "https://search.local")
    monkeypatch.setattr(index_module, "_opensearch_client", lambda endpoint, region: client)
    services.reset(keep_db=True)

    done = _upload(db, owner, policy_pdf())
    assert done.processing_status == "completed"
    docs = cluster.indices["portal-chunks"]["docs"]
    assert len(docs) == done.chunk_count > 0
    assert db.fetch_one("SELECT count(*) AS n FROM file_chunks")["n"] == 0  # nothing went to pgvector
    assert search(db, empno="E1001", question="When are refunds paid?", k=1)[0].page == 2

    files.delete(db, file_id=done.id)  # what the API does when it cannot reach OpenSearch
    event = {
        "Records": [
            {
                "eventName": "ObjectRemoved:Delete",
                "s3": {"bucket": {"name": BUCKET}, "object": {"key": done.storage_path}},
            }
        ]
    }
    result, error = invoke("portal-ingest", event)
    assert error is None and result["records"] == [
        {"key": done.storage_path, "file_id": done.id, "status": "removed", "chunks": done.chunk_count}
    ]
    assert docs == {}
