"""S3 delivers notifications at least once and in no guaranteed order: the ingest function must
end in the same state whatever arrives twice, at once, or late.

Objects are stored with the bucket's notification switched off, and the events are then handed
to the ingest function (`portal-ingest`, in-process) in the order each test chooses: what S3
would do on a bad day, which moto never does by itself.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from portal import aws
from portal.db.repositories import files, users
from portal.db.repositories.files import UploadedFile
from portal.local.functions import invoke
from portal.rag import uploads

from tests.unit.rag_samples import PDF, policy_pdf

pytestmark = pytest.mark.integration
BUCKET = "portal-uploads"


@pytest.fixture
def owner(db, aws):
    return users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[]
    )


def _stored_without_event(db, user) -> tuple[UploadedFile, str]:
    """An upload whose object is in S3 but whose notification has not been delivered yet."""
    s3 = aws.client("s3")
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={})
    data = policy_pdf()
    upload = uploads.request_upload(db, user=user, name="policy.pdf", size=len(data), mime_type=PDF)
    stored = s3.put_object(Bucket=BUCKET, Key=upload.file.storage_path, Body=data, ContentType=PDF)
    return upload.file, stored["ETag"].strip('"')


def _event(name: str, key: str, etag: str | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": key}
    if etag is not None:
        obj["eTag"] = etag
    return {"Records": [{"eventName": name, "s3": {"bucket": {"name": BUCKET}, "object": obj}}]}


def _objects() -> list[str]:
    listed = aws.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="uploads/")
    return [o["Key"] for o in listed.get("Contents", [])]


def _count(db, table: str) -> int:
    return int(db.fetch_one(f"SELECT count(*) AS n FROM {table}")["n"])


def test_the_same_event_delivered_twice_at_once_is_processed_once(db, owner) -> None:
    file, etag = _stored_without_event(db, owner)
    event = _event("ObjectCreated:Post", file.storage_path, etag)
    outcomes: list[tuple[Any, Any]] = []

    def deliver() -> None:
        outcomes.append(invoke("portal-ingest", event))

    # When S3 delivers the same notification to two containers at the same moment
    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # and Lambda retries whichever one was refused as "already in progress"
    for _result, error in list(outcomes):
        if error is not None:
            outcomes.append(invoke("portal-ingest", event))
    # Then the file was processed exactly once: one attempt, each chunk stored once
    done = files.get(db, file_id=file.id)
    assert done is not None and done.processing_status == "completed"
    assert done.metadata["attempts"] == 1
    assert _count(db, "file_chunks") == done.chunk_count > 0
    assert any(error is None and result["records"][0]["status"] == "completed" for result, error in outcomes)


def test_a_removal_delivered_before_the_creation_it_follows_leaves_nothing(db, owner) -> None:
    file, etag = _stored_without_event(db, owner)
    # Given the owner deleted the file before S3 delivered either of the object's events
    uploads.delete_file(db, user=owner, file_id=file.id)
    # When the removal arrives first and the creation after it
    removed, error = invoke("portal-ingest", _event("ObjectRemoved:Delete", file.storage_path))
    assert error is None
    created, error = invoke("portal-ingest", _event("ObjectCreated:Post", file.storage_path, etag))
    assert error is None
    # Then the late creation resurrects nothing: no row, no chunks, no object in the bucket
    assert created["records"] == [{"key": file.storage_path, "status": "ignored"}]
    assert files.get(db, file_id=file.id) is None
    assert (_count(db, "uploaded_files"), _count(db, "file_chunks")) == (0, 0)
    assert _objects() == []


def test_a_creation_delivered_after_the_file_was_deleted_removes_the_late_object(db, owner) -> None:
    file, etag = _stored_without_event(db, owner)
    # Given the file's row is gone but its object is still in the bucket (the delete reached
    # PostgreSQL; S3's delete had not happened yet or failed)
    files.delete(db, file_id=file.id)
    assert _objects() == [file.storage_path]
    # When the creation event arrives late
    created, error = invoke("portal-ingest", _event("ObjectCreated:Post", file.storage_path, etag))
    # Then the orphan object is deleted rather than processed or left behind
    assert error is None and created["records"][0]["status"] == "ignored"
    assert _objects() == []
    assert (_count(db, "uploaded_files"), _count(db, "file_chunks")) == (0, 0)


def test_a_stale_redelivery_after_completion_changes_nothing(db, owner) -> None:
    file, etag = _stored_without_event(db, owner)
    first, error = invoke("portal-ingest", _event("ObjectCreated:Post", file.storage_path, etag))
    assert error is None and first["records"][0]["status"] == "completed"
    done = files.get(db, file_id=file.id)
    assert done is not None
    # When an old copy of the same notification is delivered again later (out of order with
    # everything that happened since)
    again, error = invoke("portal-ingest", _event("ObjectCreated:Post", file.storage_path, etag))
    # Then the stored outcome is returned and nothing is processed or written again
    assert error is None and again["records"] == first["records"]
    after = files.get(db, file_id=file.id)
    assert after is not None and (after.updated_at, after.metadata["attempts"]) == (done.updated_at, 1)
    assert _count(db, "file_chunks") == done.chunk_count
