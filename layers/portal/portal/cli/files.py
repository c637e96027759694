"""`portal ingest`, `portal eval retrieval` and `portal bench ingest`: the RAG pipeline from the shell.

`ingest` goes through the local target exactly as an upload does (the upload checks, moto S3,
its ObjectCreated notification, the ingest function). `eval retrieval` and `bench ingest` run
the pipeline directly against a fresh database in the embedded PostgreSQL, dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from portal.cli import bench

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

_MIME_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def mime_of(path: Path) -> str:
    """The MIME type a browser would declare for this file name."""
    return (
        _MIME_BY_SUFFIX.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


def register(commands: Any, evals: Any) -> None:
    """Add `ingest`, `bench ingest` and `eval retrieval`."""
    ingest = commands.add_parser(
        "ingest",
        help="run files through the local ingest pipeline and print status, pages and chunks",
        description="Each file is checked and uploaded like a browser upload (moto S3), and the ingest "
        "function processes it. The chunks stay in the local database for `portal dev` and `portal chat`.",
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="print one JSON line per file")
    ingest.add_argument("--empno", default="E1001", help="the owner of the files")
    ingest.add_argument("--name", default="홍길동")
    ingest.add_argument("--data-dir", default=".local")
    ingest.set_defaults(func=_ingest)

    subcommands = bench.subcommands(commands)
    bench_ingest = subcommands.add_parser(
        "ingest",
        help="pages/s and MB/s of the local ingest pipeline, stage by stage, on a generated corpus",
    )
    bench_ingest.add_argument("--json", action="store_true", help="the last line is the summary as JSON")
    bench_ingest.add_argument(
        "--pages", type=int, default=400, help="size of the generated corpus (default 400)"
    )
    bench_ingest.add_argument("--data-dir", default=".local")
    bench_ingest.add_argument(
        "--embedder",
        choices=("configured", "titan-standin"),
        default="configured",
        help="the configured embedder (locally: the ONNX model), or Titan's calls answered here "
        "with --titan-latency-ms and throttled above --titan-rpm",
    )
    bench_ingest.add_argument(
        "--titan-latency-ms", type=float, default=100.0, help="median latency of a call"
    )
    bench_ingest.add_argument(
        "--titan-rpm", type=int, default=2000, help="the account's requests-per-minute quota for the model"
    )
    bench_ingest.add_argument(
        "--titan-concurrency", type=int, default=None, help="calls in flight (default: the setting)"
    )
    bench_ingest.add_argument(
        "--vs",
        choices=("langchain",),
        help="also run a LangChain pipeline (PyPDFLoader, RecursiveCharacterTextSplitter, PGVector) on the "
        "same PDFs with the same embedder, and compare pages/s and the dev set's recall@5",
    )
    bench_ingest.add_argument("--devset", type=Path, default=DEVSET, help="for --vs: the retrieval dev set")
    bench_ingest.set_defaults(func=_bench)

    retrieval = evals.add_parser(
        "retrieval",
        help="recall@1, recall@5 and MRR of hybrid retrieval on labelled questions",
        description='Ingests --docs into a fresh index; each line of FILE.jsonl is {"question", "file", '
        '"pages": [...]}; a hit is a retrieved chunk from that file (by name) on one of those pages '
        "(any page when the list is empty). Figures are also given per question language and "
        "document language (ko/en, from the share of Hangul).",
    )
    retrieval.add_argument("--docs", nargs="+", type=Path, required=True, metavar="PATH")
    retrieval.add_argument("--questions", nargs="+", type=Path, required=True, metavar="FILE.jsonl")
    retrieval.add_argument("--json", action="store_true", help="the last line is the summary as JSON")
    retrieval.add_argument(
        "--rewrites",
        type=Path,
        metavar="FILE.jsonl",
        help='recorded cross-lingual rewrites ({"question", "rewrite"} per line) played as the model\'s '
        "replies, so the eval measures retrieval as with a model key; without it, as offline",
    )
    retrieval.add_argument("--depth", type=int, default=10, help="ranks looked at for MRR (default 10)")
    retrieval.add_argument("--data-dir", default=".local")
    retrieval.set_defaults(func=_eval_retrieval)


def _error(command: str, message: str) -> int:
    print(f"portal {command}: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


# --- portal ingest ---------------------------------------------------------------------


def _ingest(args: argparse.Namespace) -> int:
    from portal import aws, services
    from portal.db.repositories import files, users
    from portal.errors import PortalError
    from portal.local.target import LocalTarget
    from portal.rag.uploads import request_upload
    from portal.settings import get_settings

    missing = [str(p) for p in args.paths if not p.is_file()]
    if missing:
        return _error("ingest", f"not a file: {', '.join(missing)}")
    failed = False
    target = LocalTarget(data_dir=args.data_dir).start(serve=False)  # no HTTP server: nothing connects
    try:
        db = services.db()
        user = users.upsert_from_claims(
            db, empno=args.empno, name_ko=args.name, company=None, company_code=None, roles=[]
        )
        for path in args.paths:
            data = path.read_bytes()
            started = time.perf_counter()
            row: dict[str, Any] = {"file": str(path), "file_id": None}
            try:
                upload = request_upload(
                    db, user=user, name=path.name, size=len(data), mime_type=mime_of(path)
                )
            except PortalError as exc:
                row.update(status="refused", pages=0, chunks=0, reason=exc.message)
            else:
                # moto runs the ingest function inside this PutObject (its S3 notification).
                aws.client("s3").put_object(
                    Bucket=get_settings().uploads_bucket,
                    Key=upload.file.storage_path,
                    Body=data,
                    ContentType=upload.file.mime_type,
                )
                done = files.get(db, file_id=upload.file.id)
                assert done is not None
                row.update(
                    file_id=done.id,
                    status=done.processing_status,
                    pages=done.page_count or 0,
                    chunks=done.chunk_count or 0,
                    reason=done.status_reason,
                )
            row["seconds"] = round(time.perf_counter() - started, 2)
            failed = failed or row["status"] != "completed"
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                note = f"  ({row['reason']})" if row["reason"] else ""
                print(
                    f"{row['status']:<10} pages {row['pages']:>4}  chunks {row['chunks']:>5}  "
                    f"{row['seconds']:>6.2f}s  {path}{note}",
                    flush=True,
                )
    finally:
        target.stop()
    return EXIT_FAILED if failed else EXIT_OK


# --- a fresh database ------------------------------------------------------------------


@contextmanager
def fresh_database(data_dir: str, prefix: str) -> Iterator[Any]:
    """A new, migrated database in the embedded PostgreSQL (or DATABASE_URL's server), dropped at the end."""
    from psycopg.conninfo import make_conninfo

    from portal.db.migrate import apply_migrations
    from portal.db.psycopg_executor import PsycopgExecutor
    from portal.settings import get_settings

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    base_url = get_settings().database_url
    if base_url:
        admin = PsycopgExecutor(base_url, min_size=1, max_size=1)
        admin.execute(f'CREATE DATABASE "{name}"')
        url = make_conninfo(base_url, dbname=name)
    else:
        from portal.db.embedded import start_embedded_postgres

        url = start_embedded_postgres(data_dir, database=name)
        admin = PsycopgExecutor(make_conninfo(url, dbname="postgres"), min_size=1, max_size=1)
    executor = PsycopgExecutor(url, min_size=1, max_size=4)
    try:
        apply_migrations(executor)
        yield executor
    finally:
        executor.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _direct_run(db: Any, embedder: Any = None) -> Any:
    """Pipeline collaborators for a one-off run: pgvector in `db`, the configured embedder, no sockets."""
    from portal.rag.embed import get_embedder
    from portal.rag.index.pgvector import PgVectorIndex
    from portal.rag.pipeline import Run
    from portal.settings import get_settings

    return Run(
        db, PgVectorIndex(db), embedder or get_embedder(), None, get_settings(), notify=lambda _file: None
    )


def ingest_direct(run: Any, *, empno: str, name: str, data: bytes, mime: str) -> Any:
    """Create a file row and process its bytes without S3 (evaluation and benchmark)."""
    from portal.db.repositories import files
    from portal.rag.pipeline import process
    from portal.rag.storage import object_key

    file_id = str(uuid.uuid4())
    key = object_key(empno=empno, file_id=file_id, name=name)
    files.create(
        run.db,
        file_id=file_id,
        user_empno=empno,
        workspace_id=None,
        original_name=name,
        stored_name=key.rsplit("/", 1)[1],
        file_type="unknown",
        file_size=len(data),
        mime_type=mime,
        storage_path=key,
    )
    started = files.start_processing(run.db, file_id=file_id, etag="direct")
    assert started is not None
    return process(started, data, run=run)


# --- portal eval retrieval ---------------------------------------------------------------

EVAL_EMPNO = "EVAL"


class RecordedRewrites:
    """A ChatModel that answers a rewrite request with the recorded rewrite of its question."""

    name = "anthropic"  # stands in for a configured provider, so the router picks its models

    def __init__(self, rewrites: dict[str, str]) -> None:
        self.rewrites = rewrites
        self.missing: list[str] = []

    def stream(self, request: Any) -> Iterator[Any]:
        from portal.llm.base import Completed, ProviderError, TextDelta, Usage

        question = request.messages[-1].content
        if question not in self.rewrites:
            self.missing.append(question)
            raise ProviderError(f"no recorded rewrite for {question!r}", provider=self.name)
        text = self.rewrites[question]
        yield TextDelta(text)
        yield Completed(Usage(len(question) // 3 + 60, len(text) // 3), request.model_id, "end_turn")


def _load_rewrites(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("question", "rewrite")
        ):
            raise ValueError(f'line {number}: needs "question" and "rewrite" strings')
        out[item["question"]] = item["rewrite"]
    return out


def _load_questions(path: Path) -> list[dict[str, Any]]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("question"), str)
            or not isinstance(item.get("file"), str)
        ):
            raise ValueError(f'line {number}: needs "question" and "file" strings')
        pages = item.get("pages", [])
        if not isinstance(pages, list) or not all(isinstance(p, int) for p in pages):
            raise ValueError(f'line {number}: "pages" must be a list of page numbers')
        questions.append({"question": item["question"], "file": Path(item["file"]).name, "pages": pages})
    if not questions:
        raise ValueError("no questions")
    return questions


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """recall@1, recall@5 and MRR of ranked results ({"rank": int | None}, rank 1 = first)."""
    n = len(results)
    return {
        "recall_at_1": round(sum(1 for r in results if r["rank"] == 1) / n, 4),
        "recall_at_5": round(sum(1 for r in results if r["rank"] is not None and r["rank"] <= 5) / n, 4),
        "mrr": round(sum(1 / r["rank"] for r in results if r["rank"] is not None) / n, 4),
        "questions": n,
    }


def by_language(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same figures per "question language→document language" ("ko→en": Korean over English)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault(f"{r['question_language']}→{r['document_language']}", []).append(r)
    return {key: summarize(groups[key]) for key in sorted(groups)}


def first_hit(hits: list[tuple[str | None, int | None]], question: dict[str, Any]) -> int | None:
    """The 1-based rank of the first (file, page) that answers the question, or None."""
    return next(
        (
            rank
            for rank, (name, page) in enumerate(hits, start=1)
            if name == question["file"] and (not question["pages"] or page in question["pages"])
        ),
        None,
    )


def score(ranks: list[int | None], depth: int) -> dict[str, Any]:
    """recall@1, recall@5 and MRR over the questions' first-hit ranks."""
    n = len(ranks)
    return {
        "recall_at_1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall_at_5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r is not None) / n, 4),
        "mrr_depth": depth,
        "questions": n,
        "misses": sum(1 for r in ranks if r is None or r > 5),
    }


def retrieval_quality(
    run: Any, docs: list[Path], questions: list[dict[str, Any]], *, depth: int, empno: str = EVAL_EMPNO
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Ingest `docs` as `empno` with the portal's pipeline, ask every question, score the hybrid retrieval."""
    from portal.rag.retrieve import search

    by_name: dict[str, str] = {}
    chunks = 0
    for path in docs:
        outcome = ingest_direct(run, empno=empno, name=path.name, data=path.read_bytes(), mime=mime_of(path))
        if outcome.status != "completed":
            print(f"warning: {path} {outcome.status}: {outcome.reason}", file=sys.stderr)
        by_name[outcome.file_id] = path.name
        chunks += outcome.chunks
    results = []
    for q in questions:
        passages = search(
            run.db, empno=empno, question=q["question"], k=depth, index=run.index, embedder=run.embedder
        )
        rank = first_hit([(by_name.get(p.file_id), p.page) for p in passages], q)
        top = passages[0] if passages else None
        results.append(
            {**q, "rank": rank, "top": f"{by_name.get(top.file_id)} p.{top.page}" if top else None}
        )
    summary = {**score([r["rank"] for r in results], depth), "documents": len(docs), "chunks": chunks}
    return summary, results


def _eval_inputs(args: argparse.Namespace) -> tuple[list[dict[str, Any]], RecordedRewrites | None] | str:
    """(questions, recorded rewrites) from the arguments' files, or what is wrong with them."""
    missing = [str(p) for p in [*args.docs, *args.questions] if not p.is_file()]
    if missing:
        return f"not a file: {', '.join(missing)}"
    questions = []
    for path in args.questions:
        try:
            questions.extend(_load_questions(path))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return f"{path}: {exc}"
    recorded: RecordedRewrites | None = None
    if args.rewrites is not None:
        try:
            recorded = RecordedRewrites(_load_rewrites(args.rewrites))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return f"{args.rewrites}: {exc}"
    names = {p.name for p in args.docs}
    unknown = sorted({q["file"] for q in questions} - names)
    if unknown:
        return f"questions name files not among --docs: {', '.join(unknown)}"
    return questions, recorded


def _rank_of(passages: list[Any], by_name: dict[str, str], question: dict[str, Any]) -> int | None:
    """The rank of the first passage from the expected file (and page, when the question names pages)."""
    return next(
        (
            i
            for i, p in enumerate(passages, start=1)
            if by_name.get(p.file_id) == question["file"]
            and (not question["pages"] or p.page in question["pages"])
        ),
        None,
    )


def _eval_ingest(run: Any, docs: list[Path]) -> tuple[dict[str, str], dict[str, str], int]:
    """Ingest the documents: (file id -> name, name -> document language, chunks)."""
    from portal.rag.language import language_of

    by_name: dict[str, str] = {}
    document_language: dict[str, str] = {}
    chunks = 0
    for path in docs:
        outcome = ingest_direct(
            run, empno=EVAL_EMPNO, name=path.name, data=path.read_bytes(), mime=mime_of(path)
        )
        if outcome.status != "completed":
            print(f"warning: {path} {outcome.status}: {outcome.reason}", file=sys.stderr)
        by_name[outcome.file_id] = path.name
        chunks += outcome.chunks
        text = " ".join(c.content for c in run.index.stored_chunks(outcome.file_id))
        document_language[path.name] = language_of(text)
    return by_name, document_language, chunks


def _eval_questions(
    args: argparse.Namespace, questions: list[dict[str, Any]], recorded: RecordedRewrites | None
) -> tuple[list[dict[str, Any]], int, int]:
    """Every question searched over the ingested documents: (results, chunks, questions rewritten)."""
    from portal.db.repositories import users
    from portal.rag.crosslingual import rewrite_question
    from portal.rag.language import language_of
    from portal.rag.retrieve import search

    with fresh_database(args.data_dir, "eval") as db:
        users.upsert_from_claims(
            db, empno=EVAL_EMPNO, name_ko="평가", company=None, company_code=None, roles=[]
        )
        run = _direct_run(db)
        by_name, document_language, chunks = _eval_ingest(run, args.docs)
        results = []
        rewritten = 0
        for q in questions:
            # Offline (no --rewrites) the step reports "unavailable", as in a turn without a model key.
            rewrite = rewrite_question(q["question"], {"anthropic": recorded} if recorded else {})
            rewritten += rewrite.status == "rewritten"
            passages = search(
                db,
                empno=EVAL_EMPNO,
                question=q["question"],
                k=args.depth,
                index=run.index,
                embedder=run.embedder,
                rewrites=[rewrite.query] if rewrite.query else [],
            )
            top = passages[0] if passages else None
            results.append(
                {
                    **q,
                    "rank": _rank_of(passages, by_name, q),
                    "top": f"{by_name.get(top.file_id)} p.{top.page}" if top else None,
                    "question_language": language_of(q["question"]),
                    "document_language": document_language[q["file"]],
                }
            )
    return results, chunks, rewritten


def _print_eval(results: list[dict[str, Any]], summary: dict[str, Any], args: argparse.Namespace) -> None:
    """Each question's rank, then recall and MRR by language pair (or the summary as JSON)."""
    for r in results:
        mark = f"#{r['rank']}" if r["rank"] else "miss"
        where = f"{r['file']} p.{','.join(map(str, r['pages'])) or '*'}"
        print(f"{mark:>5}  {where:<40} top: {r['top'] or '-':<40} {r['question']}")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    print(f"{'question→document':<18} {'n':>4} {'recall@1':>9} {'recall@5':>9} {'MRR@' + str(args.depth):>8}")
    for key, row in [*summary["by_language"].items(), ("all", summary)]:
        print(
            f"{key:<18} {row['questions']:>4} {row['recall_at_1']:>9.3f} {row['recall_at_5']:>9.3f} "
            f"{row['mrr']:>8.3f}"
        )
    print(
        f"({len(results)} questions, {len(args.docs)} documents, {summary['chunks']} chunks; cross-lingual: "
        f"{summary['cross_lingual']}, {summary['rewritten']} rewritten)"
    )


def _eval_retrieval(args: argparse.Namespace) -> int:
    inputs = _eval_inputs(args)
    if isinstance(inputs, str):
        return _error("eval retrieval", inputs)
    questions, recorded = inputs
    results, chunks, rewritten = _eval_questions(args, questions, recorded)
    summary = {
        **summarize(results),
        "mrr_depth": args.depth,
        "documents": len(args.docs),
        "chunks": chunks,
        "misses": sum(1 for r in results if r["rank"] is None or r["rank"] > 5),
        "cross_lingual": "recorded rewrites" if recorded else "unavailable (no model)",
        "rewritten": rewritten,
        "by_language": by_language(results),
    }
    _print_eval(results, summary, args)
    return EXIT_OK


# --- portal bench ingest ------------------------------------------------------------------

BENCH_EMPNO = "BENCH"
VERSUS_EMPNO = "BENCH-VS"
# (bench PDFs, dev set) owners of each `--vs langchain` comparison
VERSUS_EMPNOS = (VERSUS_EMPNO, EVAL_EMPNO)
VERSUS_MODEL_EMPNOS = ("BENCH-VS-MODEL", "EVAL-MODEL")
_STAGES = ("detect", "extract", "chunk", "embed", "index")
DEVSET = Path(__file__).resolve().parents[4] / "tests" / "data" / "rag" / "devset"  # in a checkout


def _rates(pages: int, mb: float, seconds: float) -> dict[str, float]:
    return {
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds else 0.0,
        "mb_per_second": round(mb / seconds, 4) if seconds else 0.0,
    }


def _bench_embedder(args: argparse.Namespace) -> tuple[Any, Any]:
    """The embedder to measure, and the Titan stand-in behind it (None for the configured one)."""
    if args.embedder != "titan-standin":
        return None, None
    from portal.cli.titan_standin import TitanStandIn
    from portal.rag.embed import TitanEmbedder
    from portal.settings import get_settings

    settings = get_settings()
    standin = TitanStandIn(latency_ms=args.titan_latency_ms, requests_per_minute=args.titan_rpm)
    embedder = TitanEmbedder(
        standin,
        model_id=settings.titan_embedding_model_id,
        dimensions=settings.titan_embedding_dimensions,
        concurrency=args.titan_concurrency or settings.embedding_concurrency,
    )
    return embedder, standin


def _cpu_seconds() -> float:
    """CPU time of this process, every thread (PostgreSQL's own work is not counted)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ingest_corpus(
    run: Any, corpus: list[Any], empno: str = BENCH_EMPNO
) -> tuple[float, int, dict[str, float]] | str:
    """Wall seconds, chunks and per-stage seconds of the portal's pipeline over `corpus`
    (the CPU seconds of the run go in stages["cpu"])."""
    stages = dict.fromkeys(_STAGES, 0.0)
    chunks = 0
    cpu = _cpu_seconds()
    started = time.perf_counter()
    for item in corpus:
        outcome = ingest_direct(run, empno=empno, name=item.name, data=item.data, mime=item.mime)
        if outcome.status != "completed":
            return f"{item.name} {outcome.status}: {outcome.reason}"
        chunks += outcome.chunks
        for stage in _STAGES:
            stages[stage] += outcome.stages.get(stage, 0.0)
    stages["cpu"] = _cpu_seconds() - cpu
    return time.perf_counter() - started, chunks, stages


def _bench_args_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the bench's arguments (None when nothing is)."""
    if args.pages < 1:
        return "--pages must be at least 1"
    if args.titan_latency_ms <= 0 or args.titan_rpm < 1 or (args.titan_concurrency or 1) < 1:
        return "--titan-latency-ms, --titan-rpm and --titan-concurrency must be positive"
    if args.vs and not (args.devset / "questions.jsonl").is_file():
        return f"no development set at {args.devset} (--devset)"
    if args.vs and args.embedder == "titan-standin":
        return "--vs compares retrieval too: use the local embedder"
    return None


def _print_bench(summary: dict[str, Any], *, mb: float, load_seconds: float) -> None:
    """The bench's figures as the human-readable report."""
    import os

    print(
        f"corpus: {summary['files']} files, {summary['pages']} pages, {mb:.2f} MB -> "
        f"{summary['chunks']} chunks ({summary['embedder']}, {summary['index']}, {os.cpu_count()} CPUs)"
    )
    if "titan_standin" in summary:
        t = summary["titan_standin"]
        print(
            f"Titan stand-in: median latency {t['latency_ms_median']:.0f} ms, quota {t['requests_per_minute']} "
            f"requests/min, {t['concurrency']} in flight; {t['throttled_calls']} of {t['calls']} calls throttled"
        )
    print(f"model load: {load_seconds:.2f} s (once per container, not counted below)")
    print(
        f"cpu      {summary['cpu_seconds']:>8.2f} s  {summary['pages_per_cpu_second']:>9.2f} pages per CPU second "
        f"(this process; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    for stage in _STAGES:
        r = summary["stages"][stage]
        print(
            f"{stage:<8} {r['seconds']:>8.2f} s  {r['pages_per_second']:>9.1f} pages/s  {r['mb_per_second']:>8.3f} MB/s"
        )
    t = summary["total"]
    print(
        f"{'total':<8} {t['seconds']:>8.2f} s  {t['pages_per_second']:>9.1f} pages/s  {t['mb_per_second']:>8.3f} MB/s"
        "  (stages overlap: the next batch is embedded while one is indexed)"
    )


def _bench(args: argparse.Namespace) -> int:
    if (problem := _bench_args_problem(args)) is not None:
        return _error("bench ingest", problem)
    import os

    from portal.db.repositories import users
    from portal.rag.corpus import generate_corpus

    corpus = generate_corpus(pages=args.pages)
    pages = sum(f.pages for f in corpus)
    size = sum(len(f.data) for f in corpus)
    mb = size / 1_000_000
    embedder, standin = _bench_embedder(args)
    with fresh_database(args.data_dir, "bench") as db:
        for empno in (BENCH_EMPNO, VERSUS_EMPNO, EVAL_EMPNO, *VERSUS_MODEL_EMPNOS):
            users.upsert_from_claims(
                db, empno=empno, name_ko="벤치", company=None, company_code=None, roles=[]
            )
        run = _direct_run(db, embedder)
        clock = time.perf_counter()
        run.embedder.embed_query("warm up")  # loading the model is a one-off cost, reported apart
        load_seconds = time.perf_counter() - clock
        measured = _ingest_corpus(run, corpus)
        if isinstance(measured, str):
            print(f"portal bench ingest: {measured}", file=sys.stderr)
            return EXIT_FAILED
        total, chunks, stages = measured
        versus = _versus_langchain(db, run, corpus, args) if args.vs else None
    if isinstance(versus, str):
        print(f"portal bench ingest: {versus}", file=sys.stderr)
        return EXIT_FAILED

    summary: dict[str, Any] = {
        "files": len(corpus),
        "pages": pages,
        "megabytes": round(mb, 3),
        "chunks": chunks,
        "embedder": run.embedder.key,
        "index": run.index.name,
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "model_load_seconds": round(load_seconds, 2),
        "pages_per_second": round(pages / total, 1),
        "chunks_per_second": round(chunks / total, 1),
        # On a shared machine wall time depends on the neighbours; CPU time much less so.
        "cpu_seconds": round(stages["cpu"], 2),
        "pages_per_cpu_second": round(pages / stages["cpu"], 2) if stages["cpu"] else 0.0,
        "stages": {stage: _rates(pages, mb, stages[stage]) for stage in _STAGES},
        "total": _rates(pages, mb, total),
    }
    if standin is not None:
        summary["titan_standin"] = {
            "latency_ms_median": standin.latency_ms,
            "requests_per_minute": standin.requests_per_minute,
            "concurrency": run.embedder._concurrency,
            "calls": standin.calls,
            "throttled_calls": standin.throttled,
            "latency_source": "parameter (no AWS account here), not a recording",
        }
    _print_bench(summary, mb=mb, load_seconds=load_seconds)
    if versus is not None:
        summary["vs_langchain"] = versus
        _print_versus(versus)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    return EXIT_OK


def _versus_langchain(db: Any, run: Any, corpus: list[Any], args: argparse.Namespace) -> dict[str, Any] | str:
    """Both pipelines on the corpus's PDFs (PyPDFLoader reads nothing else), then on the dev set's PDFs.

    Twice. First the same model weights (MiniLM) each the way its pipeline runs them: the portal's
    ONNX Runtime export, LangChain's HuggingFaceEmbeddings (sentence-transformers on torch), which is
    the comparison a user choosing between the two makes (issue #14's goal: ours >= 1.5x). Then the
    portal's configured embedder object behind both, so the model costs both sides the same and
    what is left is the pipeline alone (loading, splitting, batching, storing).
    """
    import tempfile

    from portal.cli.langchain_baseline import (
        CHUNK_OVERLAP,
        CHUNK_SIZE,
        same_embeddings,
        sentence_transformers_embeddings,
    )
    from portal.rag.embed import get_embedder
    from portal.rag.local_model import DEFAULT_MODEL, source_dir
    from portal.settings import get_settings

    pdfs = [f for f in corpus if f.mime == "application/pdf"]
    if not pdfs:
        return "--vs langchain needs PDFs in the corpus: use --pages 40 or more"
    dev_docs = sorted(p for p in args.devset.iterdir() if p.suffix.lower() == ".pdf")
    dev_questions = [
        q for q in _load_questions(args.devset / "questions.jsonl") if q["file"].endswith(".pdf")
    ]
    settings = get_settings().model_copy(
        update={"embedding_backend": "local", "local_embedding_model": DEFAULT_MODEL}
    )
    model_run = _direct_run(db, get_embedder(settings))
    with tempfile.TemporaryDirectory(prefix="bench-langchain-") as folder:
        paths = []
        for item in pdfs:  # PyPDFLoader reads paths, so the same bytes go to disk first
            path = Path(folder) / item.name
            path.write_bytes(item.data)
            paths.append(path)
        same_model = _side_by_side(
            db,
            model_run,
            sentence_transformers_embeddings(source_dir(DEFAULT_MODEL)),
            pdfs,
            paths,
            dev_docs,
            dev_questions,
            owners=VERSUS_MODEL_EMPNOS,
        )
        if isinstance(same_model, str):
            return same_model
        same_embedder = _side_by_side(
            db, run, same_embeddings(run.embedder), pdfs, paths, dev_docs, dev_questions, owners=VERSUS_EMPNOS
        )
        if isinstance(same_embedder, str):
            return same_embedder
    model = Path(DEFAULT_MODEL).name
    same_model["ours"]["embedder"] = (
        f"{model_run.embedder.key}: {model} exported to ONNX Runtime"
        f"{', int8' if settings.local_embedding_quantize else ''}, length-sorted batches, one per core"
    )
    same_model["langchain"]["embedder"] = "HuggingFaceEmbeddings: sentence-transformers on torch, float32"
    same_model["langchain"]["pipeline"] = (
        f"PyPDFLoader + RecursiveCharacterTextSplitter({CHUNK_SIZE}, {CHUNK_OVERLAP}) "
        f"+ HuggingFaceEmbeddings({model}) + PGVector"
    )
    same_embedder["embedder"] = run.embedder.key
    same_embedder["langchain"]["pipeline"] = (
        f"PyPDFLoader + RecursiveCharacterTextSplitter({CHUNK_SIZE}, {CHUNK_OVERLAP}) "
        f"+ {run.embedder.key} + PGVector"
    )
    return {
        "files": len(pdfs),
        "pages": sum(f.pages for f in pdfs),
        "model": model,
        **same_model,
        "same_embedder": same_embedder,
        "dev_set": {"documents": [p.name for p in dev_docs], "questions": len(dev_questions)},
    }


def _side_by_side(
    db: Any,
    run: Any,
    embeddings: Any,
    pdfs: list[Any],
    paths: list[Path],
    dev_docs: list[Path],
    dev_questions: list[dict[str, Any]],
    *,
    owners: tuple[str, str],
) -> dict[str, Any] | str:
    """Our pipeline (with run's embedder) and LangChain's (with `embeddings`) on the same PDFs.

    `owners`: who owns our copy of the bench PDFs and of the dev set (the same bytes of the same
    owner would be copied, not ingested again, so each comparison ingests as its own users).
    """
    from portal.cli.langchain_baseline import LangChainPipeline

    # Loading a model is a one-off per container, reported apart; neither side pays it here.
    run.embedder.embed_query("warm up")
    embeddings.embed_query("warm up")
    ours = _ingest_corpus(run, pdfs, owners[0])
    if isinstance(ours, str):
        return ours
    theirs_pipeline = LangChainPipeline(db.conninfo, embeddings)
    try:
        theirs = theirs_pipeline.ingest(paths)
    finally:
        theirs_pipeline.close()

    ours_quality, _ = retrieval_quality(run, dev_docs, dev_questions, depth=10, empno=owners[1])
    baseline = LangChainPipeline(db.conninfo, embeddings)
    try:
        baseline.ingest(dev_docs)
        ranks = [first_hit(list(baseline.search(q["question"], 10)), q) for q in dev_questions]
    finally:
        baseline.close()
    theirs_quality = score(ranks, 10)
    pages = sum(f.pages for f in pdfs)
    ours_seconds, ours_chunks, _ = ours
    ours_rate = pages / ours_seconds
    theirs_rate = theirs.pages / theirs.seconds
    return {
        "ours": {
            "pages_per_second": round(ours_rate, 1),
            "seconds": round(ours_seconds, 3),
            "chunks": ours_chunks,
            "recall_at_5": ours_quality["recall_at_5"],
            "mrr": ours_quality["mrr"],
        },
        "langchain": {
            "pages_per_second": round(theirs_rate, 1),
            "seconds": round(theirs.seconds, 3),
            "chunks": theirs.chunks,
            "recall_at_5": theirs_quality["recall_at_5"],
            "mrr": theirs_quality["mrr"],
        },
        "ratio": round(ours_rate / theirs_rate, 2),
    }


def _print_versus(v: dict[str, Any]) -> None:
    def rows(ours: dict[str, Any], theirs: dict[str, Any], ratio: float) -> None:
        print(f"  {'':<10} {'pages/s':>9} {'chunks':>7} {'recall@5':>9} {'MRR':>6}")
        for name, row in (("portal", ours), ("langchain", theirs)):
            print(
                f"  {name:<10} {row['pages_per_second']:>9.1f} {row['chunks']:>7} {row['recall_at_5']:>9.3f} {row['mrr']:>6.3f}"
            )
        print(f"  ratio {ratio:.2f}x")

    print(
        f"\nbeside LangChain, same process and PostgreSQL, {v['files']} PDFs, {v['pages']} pages; "
        f"recall@5 and MRR on the dev set's {v['dev_set']['questions']} questions about its PDFs."
    )
    print(f"the same {v['model']} weights, each pipeline's way of running them:")
    rows(v["ours"], v["langchain"], v["ratio"])
    print(f"  portal:    {v['ours']['embedder']}")
    print(f"  langchain: {v['langchain']['pipeline']}; {v['langchain']['embedder']}")
    same = v["same_embedder"]
    print(
        f"the same embedder object ({same['embedder']}) behind both, so the difference is the pipeline alone:"
    )
    rows(same["ours"], same["langchain"], same["ratio"])
