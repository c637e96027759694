"""The default index: file_chunks in PostgreSQL (pgvector for vectors, BM25 over our tokens).

Runs through the same Executor as everything else (psycopg locally, the Data API in AWS),
so rows travel as one JSON parameter per batch. Both searches are exact over the chunks
the scope allows (see migration 0004 for why).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from portal.db.executor import Executor
from portal.rag.index.base import ChunkRecord, FileRef, Hit, SearchScope, StoredChunk
from portal.rag.tokens import tsquery_literal, tsvector_literal

# BM25 parameters (the usual defaults; OpenSearch uses the same).
K1 = 1.2
B = 0.75

# Chunks the scope allows: the user's own files and readable workspaces' files, completed.
_SCOPE = """
    f.processing_status = 'completed'
    AND (f.user_empno = :owner
         OR f.workspace_id IN (SELECT value::uuid FROM jsonb_array_elements_text(:workspaces::jsonb)))
    AND (NOT :restricted::boolean
         OR c.file_id IN (SELECT value::uuid FROM jsonb_array_elements_text(:files::jsonb)))
"""

# Equal scores are common in BM25 (two chunks of the same length matching the same tokens) and
# the fusion works on ranks, so their order changes results: it goes by the chunk's content
# hash, not by file id, a random UUID that differed on every ingest of the same documents.
# BM25 sums its terms in whatever order the aggregate meets them, so equal scores may differ
# in the last bits: they are compared at 9 decimals.
_TIES = "content_hash, chunk_index, file_id"


def vector_literal(vector: Sequence[float]) -> str:
    """pgvector's text form; 7 significant digits keep float32 precision."""
    return "[" + ",".join(f"{float(x):.7g}" for x in vector) + "]"


# Keep each statement's JSON parameter well under the RDS Data API's request limits.
_MAX_STATEMENT_BYTES = 256 * 1024


def _groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows split so that no single INSERT carries more than ~256 KB of JSON."""
    groups: list[list[dict[str, Any]]] = [[]]
    size = 0
    for row in rows:
        row_size = sum(len(str(v)) for v in row.values()) * 2  # UTF-8 Hangul is up to 3 bytes
        if groups[-1] and size + row_size > _MAX_STATEMENT_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(row)
        size += row_size
    return groups


def _scope_params(scope: SearchScope) -> dict[str, Any]:
    return {
        "owner": scope.owner,
        "workspaces": list(scope.workspace_ids),
        "restricted": scope.file_ids is not None,
        "files": list(scope.file_ids or ()),
    }


def _hits(rows: list[dict[str, Any]]) -> list[Hit]:
    return [
        Hit(
            file_id=r["file_id"],
            chunk_index=int(r["chunk_index"]),
            page=r["page"],
            section=r["section"],
            content=r["content"],
            score=float(r["score"]),
        )
        for r in rows
    ]


class PgVectorIndex:
    """VectorIndex over the file_chunks table."""

    name = "pgvector"

    def __init__(self, db: Executor) -> None:
        self._db = db

    def stored_hashes(self, file_id: str) -> dict[int, str]:
        """chunk_index -> content_hash of the file's stored chunks."""
        rows = self._db.fetch_all(
            "SELECT chunk_index, content_hash FROM file_chunks WHERE file_id = :id::uuid", {"id": file_id}
        )
        return {int(r["chunk_index"]): r["content_hash"].strip() for r in rows}

    def upsert(self, file: FileRef, chunks: Sequence[ChunkRecord], *, embedding_model: str) -> None:
        """One statement per batch; ON CONFLICT makes a retried batch overwrite, not duplicate."""
        if not chunks:
            return
        rows = [
            {
                "chunk_index": c.chunk_index,
                "page": c.page,
                "section": c.section,
                "content": c.content,
                "content_hash": c.content_hash,
                "token_count": c.token_count,
                "keywords": tsvector_literal(c.tokens),
                "embedding": vector_literal(c.embedding),
            }
            for c in chunks
        ]
        for group in _groups(rows):
            self._insert(file.file_id, embedding_model, group)

    def _insert(self, file_id: str, embedding_model: str, rows: list[dict[str, Any]]) -> None:
        self._db.execute(
            """
            INSERT INTO file_chunks (file_id, chunk_index, page, section, content, content_hash, token_count,
                                     keywords, embedding_model, embedding)
            SELECT :file_id::uuid, r.chunk_index, r.page, r.section, r.content, r.content_hash, r.token_count,
                   r.keywords::tsvector, :model, r.embedding::vector
            FROM jsonb_to_recordset(:rows::jsonb) AS r(chunk_index int, page int, section text, content text,
                                                      content_hash text, token_count int, keywords text,
                                                      embedding text)
            ON CONFLICT (file_id, chunk_index) DO UPDATE SET
                page = EXCLUDED.page, section = EXCLUDED.section, content = EXCLUDED.content,
                content_hash = EXCLUDED.content_hash, token_count = EXCLUDED.token_count,
                keywords = EXCLUDED.keywords, embedding_model = EXCLUDED.embedding_model,
                embedding = EXCLUDED.embedding
            """,
            {"file_id": file_id, "model": embedding_model, "rows": rows},
        )

    def truncate(self, file_id: str, *, keep: int) -> int:
        """Drop chunks past the new end of the document."""
        return self._db.execute(
            "DELETE FROM file_chunks WHERE file_id = :id::uuid AND chunk_index >= :keep",
            {"id": file_id, "keep": keep},
        )

    def delete_file(self, file_id: str) -> int:
        """Drop every chunk of the file (deleting the file row cascades the same way)."""
        return self._db.execute("DELETE FROM file_chunks WHERE file_id = :id::uuid", {"id": file_id})

    def copy_file(self, source_file_id: str, target: FileRef) -> int:
        """Copy an identical file's chunks (vectors and tokens included) to another file."""
        return self._db.execute(
            """
            INSERT INTO file_chunks (file_id, chunk_index, page, section, content, content_hash, token_count,
                                     keywords, embedding_model, embedding)
            SELECT :target::uuid, chunk_index, page, section, content, content_hash, token_count, keywords,
                   embedding_model, embedding
            FROM file_chunks WHERE file_id = :source::uuid
            ON CONFLICT (file_id, chunk_index) DO NOTHING
            """,
            {"source": source_file_id, "target": target.file_id},
        )

    def count(self, file_id: str) -> int:
        """How many chunks the file has."""
        row = self._db.fetch_one(
            "SELECT count(*) AS n FROM file_chunks WHERE file_id = :id::uuid", {"id": file_id}
        )
        return int(row["n"]) if row else 0

    def stored_chunks(self, file_id: str) -> list[StoredChunk]:
        """The file's chunks in order (diagnostics and tests)."""
        rows = self._db.fetch_all(
            """
            SELECT chunk_index, content_hash, page, section, content, token_count
            FROM file_chunks WHERE file_id = :id::uuid ORDER BY chunk_index
            """,
            {"id": file_id},
        )
        return [
            StoredChunk(
                chunk_index=int(r["chunk_index"]),
                content_hash=r["content_hash"].strip(),
                page=r["page"],
                section=r["section"],
                content=r["content"],
                token_count=int(r["token_count"]),
            )
            for r in rows
        ]

    def vector_search(
        self, vector: Sequence[float], *, embedding_model: str, scope: SearchScope, k: int
    ) -> list[Hit]:
        """Exact cosine k-NN over the scope's chunks of this model."""
        rows = self._db.fetch_all(
            f"""
            WITH scoped AS MATERIALIZED (
                SELECT c.file_id, c.chunk_index, c.page, c.section, c.content, c.content_hash, c.embedding
                FROM file_chunks c JOIN uploaded_files f ON f.id = c.file_id
                WHERE c.embedding_model = :model AND {_SCOPE}
            )
            SELECT file_id, chunk_index, page, section, content,
                   1 - (embedding <=> :vector::vector) AS score
            FROM scoped ORDER BY embedding <=> :vector::vector, {_TIES} LIMIT :k
            """,
            {"model": embedding_model, "vector": vector_literal(vector), "k": k, **_scope_params(scope)},
        )
        return _hits(rows)

    def keyword_search(
        self, tokens: Sequence[str], *, scope: SearchScope, k: int, question: str = ""
    ) -> list[Hit]:
        """BM25 over the scope's chunks: document frequencies come from the same readable set.

        `question` is not used: PostgreSQL has no Korean analyser, the tokens carry the analysis.
        """
        distinct = list(dict.fromkeys(tokens))
        if not distinct:
            return []
        rows = self._db.fetch_all(
            f"""
            WITH scoped AS MATERIALIZED (
                SELECT c.id, c.file_id, c.chunk_index, c.page, c.section, c.content, c.content_hash,
                       c.token_count, c.keywords
                FROM file_chunks c JOIN uploaded_files f ON f.id = c.file_id
                WHERE {_SCOPE}
            ),
            stats AS (
                SELECT count(*)::float8 AS n, GREATEST(avg(token_count), 1)::float8 AS avgdl FROM scoped
            ),
            matches AS (
                SELECT s.id, s.token_count, u.lexeme, COALESCE(array_length(u.positions, 1), 1)::float8 AS tf
                FROM scoped s, unnest(s.keywords) AS u(lexeme, positions, weights)
                WHERE s.keywords @@ :query::tsquery
                  AND u.lexeme IN (SELECT value FROM jsonb_array_elements_text(:tokens::jsonb))
            ),
            df AS (SELECT lexeme, count(*)::float8 AS df FROM matches GROUP BY lexeme),
            scored AS (
                SELECT m.id,
                       sum(ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
                           * m.tf * ({K1} + 1)
                           / (m.tf + {K1} * (1 - {B} + {B} * m.token_count / stats.avgdl))) AS score
                FROM matches m JOIN df USING (lexeme) CROSS JOIN stats
                GROUP BY m.id
            )
            SELECT s.file_id, s.chunk_index, s.page, s.section, s.content, scored.score
            FROM scored JOIN scoped s ON s.id = scored.id
            ORDER BY round(scored.score::numeric, 9) DESC, {_TIES} LIMIT :k
            """,
            {"query": tsquery_literal(distinct), "tokens": distinct, "k": k, **_scope_params(scope)},
        )
        return _hits(rows)
