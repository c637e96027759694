"""`portal ingest`, `portal eval retrieval` and `portal bench ingest` print their figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portal.cli.main import main

from tests.unit.rag_samples import corrupt_pdf, leave_docx

pytestmark = pytest.mark.integration
DEVSET = Path(__file__).resolve().parents[1] / "data" / "rag" / "devset"


def _json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_ingest_prints_status_pages_and_chunks_per_file(database_url, tmp_path, capsys) -> None:
    good, bad = tmp_path / "연차.docx", tmp_path / "broken.pdf"
    good.write_bytes(leave_docx())
    bad.write_bytes(corrupt_pdf())
    code = main(["ingest", "--json", "--data-dir", str(tmp_path), str(good), str(bad)])
    rows = _json_lines(capsys.readouterr().out)
    assert code == 1  # one file failed
    assert [(r["file"], r["status"]) for r in rows] == [(str(good), "completed"), (str(bad), "failed")]
    assert rows[0]["pages"] == 2 and rows[0]["chunks"] > 0
    assert "damaged" in rows[1]["reason"]


def test_ingest_refuses_a_missing_path(database_url, capsys) -> None:
    assert main(["ingest", "/nonexistent/file.pdf"]) == 2
    assert "not a file" in capsys.readouterr().err


def test_eval_retrieval_on_the_development_set_reports_recall_and_mrr(database_url, capsys) -> None:
    docs = sorted(str(p) for p in DEVSET.iterdir() if p.suffix in (".pdf", ".docx", ".pptx"))
    code = main(
        ["eval", "retrieval", "--json", "--docs", *docs, "--questions", str(DEVSET / "questions.jsonl")]
    )
    out = capsys.readouterr().out
    summary = json.loads(out.strip().splitlines()[-1])
    assert code == 0
    assert summary["questions"] == 40 and summary["documents"] == 4
    assert summary["recall_at_5"] >= 0.95 and summary["mrr"] >= 0.85
    assert set(summary) >= {"recall_at_1", "recall_at_5", "mrr"}
    assert set(summary["by_language"]) == {"en→en", "ko→ko"}
    assert summary["by_language"]["en→en"]["recall_at_5"] == 1.0
    assert summary["cross_lingual"] == "unavailable (no model)" and summary["rewritten"] == 0


def test_eval_retrieval_with_recorded_rewrites_finds_english_pages_for_korean_questions(
    database_url, capsys
) -> None:
    docs = [str(DEVSET / "travel-expense-policy.pdf"), str(DEVSET / "q3-2026-results.pptx")]
    args = ["eval", "retrieval", "--json", "--docs", *docs, "--questions", str(DEVSET / "questions-ko.jsonl")]
    assert main([*args, "--rewrites", str(DEVSET.parent / "rewrites.jsonl")]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["rewritten"] == summary["questions"] == 18
    assert summary["by_language"]["ko→en"]["recall_at_5"] >= 0.85


def test_eval_retrieval_refuses_a_malformed_rewrites_file(database_url, tmp_path, capsys) -> None:
    rewrites = tmp_path / "r.jsonl"
    rewrites.write_text('{"question": "x"}\n', encoding="utf-8")
    code = main(
        [
            "eval",
            "retrieval",
            "--docs",
            str(DEVSET / "q3-2026-results.pptx"),
            "--questions",
            str(DEVSET / "questions.jsonl"),
            "--rewrites",
            str(rewrites),
        ]
    )
    assert code == 2 and "line 1" in capsys.readouterr().err


def test_eval_retrieval_refuses_questions_about_unknown_files(database_url, tmp_path, capsys) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "x", "file": "missing.pdf", "pages": [1]}\n', encoding="utf-8")
    code = main(
        ["eval", "retrieval", "--docs", str(DEVSET / "q3-2026-results.pptx"), "--questions", str(questions)]
    )
    assert code == 2 and "not among --docs" in capsys.readouterr().err


def test_eval_retrieval_refuses_malformed_questions(database_url, tmp_path, capsys) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "x", "pages": "one"}\n', encoding="utf-8")
    code = main(
        ["eval", "retrieval", "--docs", str(DEVSET / "q3-2026-results.pptx"), "--questions", str(questions)]
    )
    assert code == 2 and "line 1" in capsys.readouterr().err


def test_bench_ingest_prints_throughput_per_stage(database_url, capsys) -> None:
    assert main(["bench", "ingest", "--json", "--pages", "12"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["pages"] == 12
    assert set(summary["stages"]) == {"detect", "extract", "chunk", "embed", "index"}
    assert summary["total"]["pages_per_second"] > 0 and summary["total"]["mb_per_second"] > 0
