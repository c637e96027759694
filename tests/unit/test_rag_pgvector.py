"""pgvector index helpers that need no database."""

from __future__ import annotations

from portal.rag.index.pgvector import _groups, vector_literal


def test_pgvector_splits_large_batches_into_statements_of_bounded_size() -> None:
    rows = [{"content": "가" * 40_000, "embedding": "[0.1]"} for _ in range(10)]
    groups = _groups(rows)
    assert sum(len(g) for g in groups) == 10 and len(groups) > 1
    assert all(sum(len(str(v)) for r in g for v in r.values()) * 2 <= 256 * 1024 for g in groups)


def test_vectors_are_written_in_pgvectors_text_form() -> None:
    assert vector_literal([0.5, -1, 1e-9]) == "[0.5,-1,1e-09]"
