"""`portal bench report` builds the README's performance table from the benches' JSON (it types
no figure itself) and rewrites only what lies between its markers."""

from __future__ import annotations

import pytest
from portal.cli.perfreport import BEGIN, END, rewrite, table

COLDSTART = {
    "machine": {"cpu": "Test CPU", "cores": 2, "python": "3.11.7", "system": "Linux 6", "load_1m": 1.5},
    "goal_ratio": 1.25,
    "floors": {
        "api": {"imports": ["fastapi", "mangum"], "seconds": {"median": 0.34, "min": 0.3, "max": 0.4}}
    },
    "functions": {
        "portal-api": {
            "floor": "api",
            "seconds": {"median": 0.391, "min": 0.35, "max": 0.5},
            "ratio": 1.15,
            "ratio_across_interpreters": 1.21,
            "beyond_floor_ms": {"median": 51.0, "min": 40.0, "max": 70.0},
            "within_goal": True,
            "peak_mb": 48.2,
            "with_first_request": {
                "seconds": {"median": 0.45, "min": 0.4, "max": 0.6},
                "request": "GET /api/me without a token (401)",
                "ratio": 1.32,
                "ratio_across_interpreters": 1.3,
            },
        },
        "portal-ws": {
            "floor": "api",
            "seconds": {"median": 0.5, "min": 0.45, "max": 0.6},
            "ratio": 1.47,
            "within_goal": False,
            "peak_mb": 40.0,
        },
    },
}
TURN = {
    "goal_first_chunk_beyond_state_machine_ms": 50.0,
    "by_concurrency": {
        "8": {
            **{k: {"p50": 300.0, "p95": 600.0} for k in ("first_chunk_ms", "last_chunk_ms", "done_ms")},
            **{
                k: {"p50": 10.0, "p95": 20.0}
                for k in ("state_machine_ms", "supervisor_ms", "worker_ms", "database_ms")
            },
        },
        "1": {
            "first_chunk_beyond_state_machine_ms": 38.4,
            **{k: {"p50": 123.4, "p95": 200.0} for k in ("first_chunk_ms", "last_chunk_ms", "done_ms")},
            **{
                k: {"p50": 10.0, "p95": 20.0}
                for k in ("state_machine_ms", "supervisor_ms", "worker_ms", "database_ms")
            },
        },
    },
}


def test_the_table_carries_the_benches_figures_and_the_machine() -> None:
    ingest = {
        "pages": 400,
        "megabytes": 1.2,
        "embedder": "local:minilm",
        "total": {"pages_per_second": 21.5, "mb_per_second": 0.065},
        "vs_langchain": {
            "pages": 120,
            "model": "all-MiniLM-L6-v2",
            "ours": {
                "pages_per_second": 33.3,
                "recall_at_5": 0.95,
                "mrr": 0.9,
                "embedder": "minilm-int8 on ONNX",
            },
            "langchain": {
                "pages_per_second": 11.1,
                "recall_at_5": 0.8,
                "mrr": 0.7,
                "pipeline": "PyPDFLoader + X",
                "embedder": "on torch",
            },
            "ratio": 3.0,
            "same_embedder": {
                "embedder": "use@512",
                "ours": {"pages_per_second": 50.0, "recall_at_5": 1.0, "mrr": 0.96},
                "langchain": {
                    "pages_per_second": 40.0,
                    "recall_at_5": 1.0,
                    "mrr": 0.96,
                    "pipeline": "PyPDFLoader + Y",
                },
                "ratio": 1.25,
            },
            "dev_set": {"questions": 40},
        },
    }
    out = table(COLDSTART, TURN, ingest, "2026-12-01 04:00 UTC")
    assert "Test CPU (2 cores), Python 3.11.7" in out
    assert (
        "0.391 s (min 0.350, max 0.500), 1.15× its floor, 51 ms beyond it "
        "(0.340 s: `fastapi`, `mangum`; 1.21× across interpreters)" in out
    )
    assert "import + its first request (GET /api/me without a token (401)) | 0.450 s" in out
    assert "1.32× the same floor (which serves no request; 1.30× across interpreters)" in out
    # An older bench's JSON (no paired figures) still makes a row.
    assert "0.500 s (min 0.450, max 0.600), 1.47× its floor (0.340 s: `fastapi`, `mangum`); peak 40 MB" in out
    assert "1 within 1.25× their floor; the highest ratio is `portal-ws` at 1.47×" in out
    lines = out.splitlines()
    one, eight = (next(i for i, ln in enumerate(lines) if f"turn, {n} at a time" in ln) for n in (1, 8))
    assert one < eight and "123 (200)" in lines[one] and "bedrock-chat #305" in lines[one]
    assert "first chunk 38 ms beyond the state machine (goal ≤ 50)" in lines[one]
    assert "beyond" not in lines[eight]  # the goal is one turn at a time
    assert "21.5 pages/s, 0.065 MB/s" in out and "22 minutes" in out
    model, same = (line for line in lines if "beside LangChain" in line)
    assert "the same all-MiniLM-L6-v2 weights" in model and "33.3 pages/s against 11.1 (**3.00×**)" in model
    assert "recall@5 0.950 against 0.800" in model and "40 questions" in model
    assert "ours: minilm-int8 on ONNX" in model and "PyPDFLoader + X; on torch" in model
    assert (
        "`use@512`" in same and "50.0 pages/s against 40.0 (**1.25×**)" in same and "PyPDFLoader + Y" in same
    )
    assert all(line.count("|") == 4 for line in lines if line.startswith("| "))


def test_an_ingest_summary_without_the_expected_keys_leaves_its_row_out() -> None:
    out = table(COLDSTART, TURN, {"something": "else"}, "now")
    assert "pages/s" not in out and "portal-api" in out


def test_rewrite_replaces_only_between_the_markers() -> None:
    text = f"# T\n\nbefore\n{BEGIN}\nold\n{END}\nafter\n"
    assert rewrite(text, "new\n") == f"# T\n\nbefore\n{BEGIN}\nnew\n{END}\nafter\n"
    with pytest.raises(ValueError, match="markers"):
        rewrite("no markers", "x")


def test_the_titan_row_says_its_latency_and_quota_are_parameters() -> None:
    titan = {
        "total": {"pages_per_second": 11.1},
        "titan_standin": {
            "latency_ms_median": 100.0,
            "requests_per_minute": 2000,
            "concurrency": 8,
            "calls": 1579,
            "throttled_calls": 402,
        },
    }
    ingest = {"total": {"pages_per_second": 21.5, "mb_per_second": 0.065}}
    row = next(line for line in table(COLDSTART, TURN, ingest, "now", titan).splitlines() if "Titan" in line)
    assert "100 ms median per call, a quota of 2000 requests/min, 8 calls in flight" in row
    assert "not recordings" in row and "11.1 pages/s; 1579 calls, 402 throttled and retried" in row
    assert row.count("|") == 4
    assert not any("Titan" in line for line in table(COLDSTART, TURN, ingest, "now").splitlines())
