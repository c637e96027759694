"""`portal ingest`, `portal eval retrieval` and `portal bench ingest` print their figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portal.cli.main import main

from tests.unit.rag_samples import corrupt_pdf, leave_docx

pytestmark = pytest.mark.integration
DEVSET = Path(__file__).resolve().parents[1] / "data" / "rag" / "devset"
DEVSET_KO = DEVSET.parent / "devset-ko"


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


def test_eval_retrieval_keeps_korean_recall_with_the_multilingual_embedder(
    database_url, monkeypatch, capsys
) -> None:
    """The figures the multilingual embedder reached on all 8 dev documents (113 questions, offline):
    ko→ko recall@5 0.909 and MRR 0.699 (MiniLM int8: 0.879 / 0.595), en→ko 0.625, ko→en 0.833,
    en→en 1.000; ko→ko was 0.894 / 0.681 before questions lost their Korean function words
    (portal.rag.tokens.query_tokens). A change to the Korean analysis, the fusion, the chunking or
    the embedder that loses one Korean question here fails (59 of 66 would be 0.894)."""
    from portal.settings import reset_settings

    monkeypatch.setenv("PORTAL_LOCAL_EMBEDDING_MODEL", "use-multilingual-v3")
    reset_settings()
    docs = sorted(str(p) for p in DEVSET.iterdir() if p.suffix in (".pdf", ".docx", ".pptx"))
    docs += sorted(str(p) for p in DEVSET_KO.glob("*.pdf"))
    questions = [*sorted(DEVSET.glob("questions*.jsonl")), *sorted(DEVSET_KO.glob("questions*.jsonl"))]
    code = main(["eval", "retrieval", "--json", "--docs", *docs, "--questions", *map(str, questions)])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and summary["questions"] == 113 and summary["documents"] == 8
    cells = summary["by_language"]
    assert cells["ko→ko"]["questions"] == 66 and cells["ko→ko"]["recall_at_5"] >= 0.90
    assert cells["ko→ko"]["mrr"] >= 0.69
    assert cells["en→en"]["recall_at_5"] == 1.0
    # Offline ko→en (18 questions, no rewrites) once came out 0.444, 0.500 or 0.556 on the same
    # data: exact RRF ties were broken by random file ids. Ties now go by list order and content
    # hash (portal.rag.retrieve.fuse, index.pgvector), so the figure is the same on every run;
    # the fusion's depth floor took it from 0.556 to 0.833 (15 of 18; 14 would be 0.778).
    assert cells["en→ko"]["recall_at_5"] >= 0.6 and cells["ko→en"]["recall_at_5"] >= 0.83


def test_a_chat_turns_k_ranks_the_korean_dev_set_as_the_eval_does(database_url, capsys) -> None:
    """A chat turn asks for 6 passages, the eval for 10: the rankings are cut at the same depth
    before fusion, so the top 5 are the same (they were not: 24 deep against 40, ko→ko 0.864
    against 0.894, so the eval measured a ranking no user got)."""
    docs = sorted(str(p) for p in DEVSET_KO.glob("*.pdf"))
    ranks = {}
    for depth in ("6", "10"):
        args = ["eval", "retrieval", "--docs", *docs, "--questions", str(DEVSET_KO / "questions.jsonl")]
        assert main([*args, "--depth", depth]) == 0
        lines = capsys.readouterr().out.splitlines()
        ranks[depth] = [line.split()[0] for line in lines if "top:" in line]
    assert len(ranks["10"]) == 47
    in_top5 = {d: [r in {"#1", "#2", "#3", "#4", "#5"} for r in ranks[d]] for d in ranks}
    assert in_top5["6"] == in_top5["10"]


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


def test_bench_ingest_reports_pages_per_second_at_the_top_level(database_url, capsys) -> None:
    assert main(["bench", "ingest", "--json", "--pages", "12"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # Keys other tools read (the README's performance table): keep them stable.
    assert summary["pages_per_second"] == summary["total"]["pages_per_second"] > 0
    assert summary["chunks_per_second"] > 0 and summary["cpus"] >= 1
    assert summary["embedder"] == "use-multilingual-v3@512"


def test_bench_ingest_through_a_throttling_titan_stand_in_backs_off_and_finishes(
    database_url, capsys
) -> None:
    args = ["bench", "ingest", "--json", "--pages", "12", "--embedder", "titan-standin"]
    # A quota of 600 requests/minute admits ten calls a second: eight in flight at 5 ms are throttled.
    code = main([*args, "--titan-latency-ms", "5", "--titan-rpm", "600", "--titan-concurrency", "8"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0
    assert summary["embedder"] == "titan-embed-text-v2@1024"
    standin = summary["titan_standin"]
    assert standin["throttled_calls"] > 0  # the quota was hit ...
    assert (
        standin["calls"] - standin["throttled_calls"] == summary["chunks"] + 1
    )  # ... and every chunk got in (+ warm-up)


def test_bench_ingest_refuses_a_non_positive_titan_quota(database_url, capsys) -> None:
    assert main(["bench", "ingest", "--embedder", "titan-standin", "--titan-rpm", "0"]) == 2
    assert "must be positive" in capsys.readouterr().err


def test_bench_ingest_beside_langchain_prints_both_pipelines_and_the_ratio(database_url, capsys) -> None:
    assert main(["bench", "ingest", "--json", "--pages", "40", "--vs", "langchain"]) == 0
    out = capsys.readouterr().out
    versus = json.loads(out.strip().splitlines()[-1])["vs_langchain"]
    assert versus["files"] == 1 and versus["pages"] == 40  # the corpus's PDF
    assert versus["dev_set"]["questions"] == 25  # the dev set's questions about its PDFs
    # First the same MiniLM weights run each pipeline's way, then one embedder object behind both.
    assert versus["model"] == "all-MiniLM-L6-v2"
    assert versus["ours"]["embedder"].startswith("all-minilm-l6-v2")
    assert "ONNX Runtime" in versus["ours"]["embedder"]
    assert "sentence-transformers on torch" in versus["langchain"]["embedder"]
    assert "HuggingFaceEmbeddings(all-MiniLM-L6-v2)" in versus["langchain"]["pipeline"]
    same = versus["same_embedder"]
    assert same["embedder"] in same["langchain"]["pipeline"]
    for comparison in (versus, same):
        for side in ("ours", "langchain"):
            row = comparison[side]
            assert row["pages_per_second"] > 0 and row["chunks"] > 0
            assert 0 <= row["recall_at_5"] <= 1 and 0 <= row["mrr"] <= 1
        # The same pages on both sides: the ratio of the rates is the inverse ratio of the times.
        ratio = comparison["langchain"]["seconds"] / comparison["ours"]["seconds"]
        assert comparison["ratio"] == pytest.approx(ratio, abs=0.01)
        assert comparison["ours"]["recall_at_5"] >= 0.95  # the portal's hybrid retrieval on the same PDFs
        assert "PyPDFLoader" in comparison["langchain"]["pipeline"]
    assert "the same all-MiniLM-L6-v2 weights" in out and "the pipeline alone" in out and "ratio" in out
