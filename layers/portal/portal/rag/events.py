"""The ingest function's logic: S3 ObjectCreated records -> the pipeline, once per object version.

S3 delivers events at least once. Each record is made idempotent with Powertools Idempotency
(DynamoDB) on bucket, key and ETag: a redelivered event returns the stored outcome without
work; a record whose run crashed (the exception deletes the idempotency record, a timeout lets
it expire) is processed again and the pipeline resumes from the chunks already stored.
"""

from __future__ import annotations

import time
from typing import Any

from portal import aws
from portal.observability import logger
from portal.rag import storage
from portal.settings import get_settings

IDEMPOTENCY_KEY = "[s3.bucket.name, s3.object.key, s3.object.eTag]"
# Leave this much of the invocation for marking the file and answering Lambda.
_SAFETY_SECONDS = 20
_IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600


def handle_s3_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Process every ObjectCreated record of an S3 notification."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from portal.rag.pipeline import Run, ingest_object

    settings = get_settings()
    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table, boto3_client=aws.client("dynamodb")
    )
    config = IdempotencyConfig(
        event_key_jmespath=IDEMPOTENCY_KEY,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=_IDEMPOTENCY_TTL_SECONDS,
    )
    deadline = None
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining):
        config.register_lambda_context(context)
        deadline = time.monotonic() + max(5.0, remaining() / 1000 - _SAFETY_SECONDS)
    run = Run.configured(deadline=deadline)

    @idempotent_function(  # type: ignore[untyped-decorator]  # Powertools' decorator is untyped
        data_keyword_argument="record", persistence_store=persistence, config=config
    )
    def ingest_record(record: dict[str, Any]) -> dict[str, Any]:
        s3 = record["s3"]
        key = storage.event_key(s3["object"]["key"])
        outcome = ingest_object(s3["bucket"]["name"], key, s3["object"].get("eTag", ""), run=run)
        if outcome is None:
            return {"key": key, "status": "ignored"}
        return {"key": key, "file_id": outcome.file_id, "status": outcome.status, "chunks": outcome.chunks}

    results = []
    for record in event.get("Records", []):
        name = str(record.get("eventName", ""))
        if "s3" not in record:
            continue
        if name.startswith("ObjectCreated"):
            results.append(ingest_record(record=record))
        elif name.startswith("ObjectRemoved"):
            results.append(_forget_removed(run, storage.event_key(record["s3"]["object"]["key"])))
        else:
            logger.info("ignoring an S3 record", extra={"event_name": name})
    return {"records": results}


def _forget_removed(run: Any, key: str) -> dict[str, Any]:
    """A deleted upload's chunks leave the index too (the API cannot reach OpenSearch)."""
    from portal.db.repositories import files

    parts = storage.parse_key(key)
    if parts is None or files.get(run.db, file_id=parts.file_id) is not None:
        return {"key": key, "status": "ignored"}  # the row still exists: a re-upload, not a deletion
    removed = run.index.delete_file(parts.file_id)
    return {"key": key, "file_id": parts.file_id, "status": "removed", "chunks": removed}
