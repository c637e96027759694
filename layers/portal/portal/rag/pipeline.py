"""Ingest one uploaded object: detect, extract, chunk, embed, index, with status and progress.

Why it cannot get stuck or duplicate:
- Chunks are upserted on (file_id, chunk_index) in batches as they are embedded, and chunking
  is deterministic, so a retry after a crash re-derives the same chunks and skips those whose
  fingerprint (model + text) is already stored: it resumes, it does not start over or duplicate.
- Every attempt is counted on the row. Bad input fails the file at once with a reason; an
  unexpected error or the Lambda deadline lets the invocation fail so AWS retries it, until
  the last attempt, which marks the file failed instead of leaving it "processing".
- Status and progress go to PostgreSQL and to the owner's sockets on every change.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from portal import aws, services
from portal.db.executor import Executor
from portal.db.repositories import files
from portal.db.repositories.files import UploadedFile
from portal.observability import MetricName, logger, metrics
from portal.rag import storage
from portal.rag.chunk import Chunk, chunk_segments
from portal.rag.detect import detect
from portal.rag.embed import Embedder, get_embedder
from portal.rag.errors import FileRejected
from portal.rag.extract import Extracted, Limits, Vision, extract
from portal.rag.index import ChunkRecord, FileRef, VectorIndex, get_index
from portal.rag.tokens import tokenize
from portal.rag.uploads import push_status
from portal.settings import Settings, get_settings

MAX_ATTEMPTS = 3  # the ingest function's own try plus Lambda's two async retries
EMBED_BATCH = 128  # chunks per embedding call and upsert: enough to batch by length
_PROGRESS_STEP = 5  # percent between pushes
_EXTRACTED_TEXT_CHARS = 1_000_000  # kept on the row for reuse; the chunks hold everything
# Progress bands: extraction 5-40 %, chunking 45 %, embedding and indexing 45-98 %.
_EXTRACT_FROM, _EXTRACT_TO, _EMBED_FROM, _EMBED_TO = 5, 40, 45, 98


class Interrupted(Exception):
    """The invocation ran out of time; a retry resumes from the chunks already stored."""


@dataclass
class IngestOutcome:
    file_id: str
    status: str
    pages: int = 0
    chunks: int = 0
    reason: str | None = None
    reused_from: str | None = None
    embedded: int = 0  # chunks embedded by this run (0 when everything was stored already)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage


@dataclass
class Run:
    """Collaborators of one ingest run (tests and the CLI pass their own)."""

    db: Executor
    index: VectorIndex
    embedder: Embedder
    vision: Vision | None
    settings: Settings
    notify: Callable[[UploadedFile], None] = push_status
    deadline: float | None = None  # time.monotonic() by which the run must stop

    @classmethod
    def configured(cls, *, deadline: float | None = None) -> Run:
        """The deployment's collaborators."""
        from portal.rag.vision import configured_vision

        db = services.db()
        settings = get_settings()
        return cls(
            db,
            get_index(db, settings),
            get_embedder(settings),
            configured_vision(),
            settings,
            deadline=deadline,
        )

    def past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


class _Progress:
    """Writes progress to the row and the sockets, at most every few percent."""

    def __init__(self, run: Run, file: UploadedFile) -> None:
        self._run, self._file, self._last = run, file, file.progress

    def __call__(self, percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent < self._last + _PROGRESS_STEP:
            return
        if files.set_progress(self._run.db, file_id=self._file.id, progress=percent):
            self._last = percent
            self._file = self._file.model_copy(update={"progress": percent})
            self._run.notify(self._file)


def ingest_object(bucket: str, key: str, etag: str, *, run: Run) -> IngestOutcome | None:
    """Process the object an S3 ObjectCreated event names (None when no upload row claims it)."""
    if bucket != run.settings.uploads_bucket or storage.parse_key(key) is None:
        logger.warning("ignoring an object outside the uploads layout", extra={"bucket": bucket, "key": key})
        return None
    found = files.get_by_path(run.db, storage_path=key)
    if found is None:
        # The row is created before the upload is presigned, so an object without one was
        # uploaded after its file was deleted (the presigned POST outlives the row): left in
        # place it would escape the quota and be orphaned data. Deleting twice is harmless.
        logger.warning("deleting an uploaded object that has no file row", extra={"key": key})
        aws.client("s3").delete_object(Bucket=bucket, Key=key)
        return None
    started = files.start_processing(run.db, file_id=found.id, etag=etag)
    if started is None:
        logger.info("file already processed from this object version", extra={"file_id": found.id})
        return IngestOutcome(found.id, found.processing_status, found.page_count or 0, found.chunk_count or 0)
    run.notify(started)
    attempts = int(started.metadata.get("attempts", 1))
    s3 = aws.client("s3")
    head = s3.head_object(Bucket=bucket, Key=key)
    if int(head["ContentLength"]) > run.settings.max_upload_bytes:
        return _fail(
            run,
            started,
            FileRejected(
                f"The uploaded file is {int(head['ContentLength']):,} bytes; the limit is "
                f"{run.settings.max_upload_bytes:,}",
                code="too_large",
            ),
        )
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        return process(started, data, run=run)
    except Interrupted:
        if attempts >= MAX_ATTEMPTS:
            return _fail(
                run,
                started,
                FileRejected(
                    f"Processing did not finish within {MAX_ATTEMPTS} attempts; the file may be too large",
                    code="timeout",
                ),
            )
        raise
    except Exception as exc:
        if files.get(run.db, file_id=started.id) is None:
            run.index.delete_file(started.id)  # deleted while it was processed: leave nothing behind
            return _gone(started)
        # Unknown faults (database, network) are retried by Lambda; the last attempt records why.
        if attempts >= MAX_ATTEMPTS:
            logger.exception("ingest failed on its last attempt", extra={"file_id": started.id})
            return _fail(
                run,
                started,
                FileRejected(
                    f"Processing failed after {MAX_ATTEMPTS} attempts ({type(exc).__name__})", code="error"
                ),
            )
        raise


def process(file: UploadedFile, data: bytes, *, run: Run) -> IngestOutcome:
    """Turn a processing file's bytes into indexed chunks; bad input fails the file with a reason."""
    stages: dict[str, float] = {}
    progress = _Progress(run, file)
    try:
        clock = time.perf_counter()
        if file.file_size is not None and len(data) != file.file_size:
            raise FileRejected(
                f"The uploaded object is {len(data):,} bytes but {file.file_size:,} were declared",
                code="size_mismatch",
            )
        if len(data) > run.settings.max_upload_bytes:
            raise FileRejected(
                f"The file is larger than {run.settings.max_upload_bytes:,} bytes", code="too_large"
            )
        detected = detect(
            data, file.mime_type or "", max_archive_expanded_bytes=run.settings.max_archive_expanded_bytes
        )
        checksum = hashlib.sha256(data).hexdigest()
        stages["detect"] = time.perf_counter() - clock

        duplicate = files.find_completed_duplicate(
            run.db,
            user_empno=file.user_empno,
            checksum=checksum,
            exclude_id=file.id,
            embedding_model=run.embedder.key,
        )
        if duplicate is not None:
            return _reuse(run, file, duplicate, detected.kind, checksum, stages)
        progress(_EXTRACT_FROM)

        clock = time.perf_counter()
        limits = Limits(
            max_pages=run.settings.max_document_pages,
            max_chars=run.settings.max_extracted_chars,
            deadline=run.deadline,
        )
        extracted = extract(
            detected.kind,
            data,
            limits=limits,
            vision=run.vision,
            on_progress=lambda done, total: progress(
                _EXTRACT_FROM + (_EXTRACT_TO - _EXTRACT_FROM) * done // max(total, 1)
            ),
        )
        stages["extract"] = time.perf_counter() - clock

        clock = time.perf_counter()
        chunks = chunk_segments(
            extracted.segments, size=run.settings.chunk_tokens, overlap=run.settings.chunk_overlap_tokens
        )
        stages["chunk"] = time.perf_counter() - clock
        progress(_EMBED_FROM)

        embedded = _embed_and_index(run, file, chunks, progress, stages)
        run.index.truncate(file.id, keep=len(chunks))
    except FileRejected as rejected:
        return _fail(run, file, rejected, stages=stages)
    return _complete(run, file, detected.kind, checksum, extracted, len(chunks), embedded, stages)


def _embed_and_index(
    run: Run, file: UploadedFile, chunks: Sequence[Chunk], progress: _Progress, stages: dict[str, float]
) -> int:
    model = run.embedder.key
    stored = run.index.stored_hashes(file.id)
    todo = [c for c in chunks if stored.get(c.index) != c.fingerprint(model)]
    if len(todo) < len(chunks):
        logger.info(
            "resuming: chunks already stored", extra={"file_id": file.id, "stored": len(chunks) - len(todo)}
        )
    ref = FileRef(file_id=file.id, owner=file.user_empno, workspace_id=file.workspace_id)
    # Similar lengths in one batch pad less (the order of the upserts does not matter: each
    # chunk is keyed by its index, and a resumed run finds the stored ones by fingerprint).
    todo.sort(key=lambda c: len(c.embed_text))
    batches = [todo[start : start + EMBED_BATCH] for start in range(0, len(todo), EMBED_BATCH)]
    embed_seconds = index_seconds = 0.0

    def embed(batch: Sequence[Chunk]) -> tuple[list[list[float]], float]:
        clock = time.perf_counter()
        vectors = run.embedder.embed_documents([c.embed_text for c in batch])
        return vectors, time.perf_counter() - clock

    # The next batch is embedded while this one is written: the model (ONNX Runtime, or Titan
    # calls in flight) and PostgreSQL work at the same time. Only this thread touches the database.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as ahead:
        pending = ahead.submit(embed, batches[0]) if batches else None
        done = 0
        for number, batch in enumerate(batches):
            if run.past_deadline():
                raise Interrupted(f"stopped after {done} of {len(todo)} chunks")
            assert pending is not None
            vectors, seconds = pending.result()
            embed_seconds += seconds
            pending = ahead.submit(embed, batches[number + 1]) if number + 1 < len(batches) else None
            clock = time.perf_counter()
            run.index.upsert(
                ref,
                [
                    ChunkRecord(
                        chunk_index=c.index,
                        content=c.text,
                        page=c.page,
                        section=c.section,
                        token_count=c.token_count,
                        content_hash=c.fingerprint(model),
                        tokens=tokenize(f"{c.section}\n{c.text}" if c.section else c.text),
                        embedding=v,
                    )
                    for c, v in zip(batch, vectors, strict=True)
                ],
                embedding_model=model,
            )
            index_seconds += time.perf_counter() - clock
            done += len(batch)
            progress(_EMBED_FROM + (_EMBED_TO - _EMBED_FROM) * done // len(todo))
    stages["embed"] = embed_seconds
    stages["index"] = index_seconds
    return len(todo)


def _metadata(extracted: Extracted, run: Run) -> dict[str, Any]:
    meta: dict[str, Any] = {"pages_without_text": extracted.pages_without_text[:200]}
    if extracted.ocr_pages:
        meta["ocr_pages"] = extracted.ocr_pages[:200]
    failures = getattr(run.vision, "failures", 0)
    if failures:
        meta["vision_failures"] = failures
    return meta


def _complete(
    run: Run,
    file: UploadedFile,
    kind: str,
    checksum: str,
    extracted: Extracted,
    chunk_count: int,
    embedded: int,
    stages: dict[str, float],
) -> IngestOutcome:
    done = files.complete(
        run.db,
        file_id=file.id,
        file_type=kind,
        checksum=checksum,
        page_count=extracted.page_count,
        chunk_count=chunk_count,
        embedding_model=run.embedder.key if chunk_count else None,
        extracted_text=extracted.text[:_EXTRACTED_TEXT_CHARS],
        note=extracted.note,
        metadata=_metadata(extracted, run),
    )
    if done is None:
        return _gone(file)
    run.notify(done)
    metrics.add_metric(name=MetricName.FILES_INGESTED, unit="Count", value=1)
    logger.info(
        "file ingested",
        extra={
            "file_id": file.id,
            "kind": kind,
            "pages": extracted.page_count,
            "chunks": chunk_count,
            "embedded": embedded,
        },
    )
    return IngestOutcome(
        file.id, "completed", extracted.page_count, chunk_count, extracted.note, None, embedded, stages
    )


def _reuse(
    run: Run, file: UploadedFile, earlier: UploadedFile, kind: str, checksum: str, stages: dict[str, float]
) -> IngestOutcome:
    """The same user uploaded the same bytes before: copy that result instead of recomputing it."""
    ref = FileRef(file_id=file.id, owner=file.user_empno, workspace_id=file.workspace_id)
    run.index.truncate(file.id, keep=0)
    copied = run.index.copy_file(earlier.id, ref)
    done = files.complete(
        run.db,
        file_id=file.id,
        file_type=kind,
        checksum=checksum,
        page_count=earlier.page_count or 0,
        chunk_count=copied,
        embedding_model=earlier.embedding_model,
        extracted_text=files.extracted_text(run.db, file_id=earlier.id) or "",
        note=earlier.status_reason,
        metadata={"reused_from": earlier.id},
    )
    if done is None:
        return _gone(file)
    run.notify(done)
    metrics.add_metric(name=MetricName.FILES_INGESTED, unit="Count", value=1)
    logger.info(
        "file reused an identical earlier upload", extra={"file_id": file.id, "reused_from": earlier.id}
    )
    return IngestOutcome(
        file.id, "completed", done.page_count or 0, copied, done.status_reason, earlier.id, 0, stages
    )


def _fail(
    run: Run, file: UploadedFile, rejected: FileRejected, *, stages: dict[str, float] | None = None
) -> IngestOutcome:
    run.index.delete_file(file.id)  # nothing half-indexed stays searchable
    failed = files.fail(
        run.db, file_id=file.id, reason=rejected.reason, metadata={"error_code": rejected.code}
    )
    if failed is None:
        return _gone(file)
    run.notify(failed)
    metrics.add_metric(name=MetricName.FILES_FAILED, unit="Count", value=1)
    logger.info("file failed", extra={"file_id": file.id, "code": rejected.code, "reason": rejected.reason})
    return IngestOutcome(file.id, "failed", reason=rejected.reason, stages=stages or {})


def _gone(file: UploadedFile) -> IngestOutcome:
    logger.info("file was deleted while it was processed", extra={"file_id": file.id})
    return IngestOutcome(file.id, "deleted", reason="The file was deleted while it was processed")
