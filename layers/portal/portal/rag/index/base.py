"""The one interface every chunk index implements (pgvector, OpenSearch), and its value types.

Access is decided in PostgreSQL (portal.db.repositories.files): a search gets a `SearchScope`
(the asking user, the workspaces they may read, optionally a set of files) and the index
filters on it; the retriever then re-checks every hit's file against PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class FileRef:
    """What an index stores about a chunk's file, for filtering."""

    file_id: str
    owner: str
    workspace_id: str | None = None


@dataclass(frozen=True)
class ChunkRecord:
    """One chunk ready to be stored: text, position, keyword tokens and its vector."""

    chunk_index: int
    content: str
    page: int | None
    section: str | None
    token_count: int
    content_hash: str
    tokens: list[str]
    embedding: list[float]


@dataclass(frozen=True)
class SearchScope:
    """Which chunks a search may return: the user's own files, readable workspaces' files."""

    owner: str
    workspace_ids: tuple[str, ...] = ()
    file_ids: tuple[str, ...] | None = None  # restrict further (a turn's attachments)


@dataclass(frozen=True)
class Hit:
    file_id: str
    chunk_index: int
    page: int | None
    section: str | None
    content: str
    score: float


@dataclass
class StoredChunk:
    """A chunk as stored (copying a file's chunks, resuming an ingest)."""

    chunk_index: int
    content_hash: str
    page: int | None = None
    section: str | None = None
    content: str = ""
    token_count: int = 0
    tokens: list[str] = field(default_factory=list)
    embedding: list[float] = field(default_factory=list)


class VectorIndex(Protocol):
    """Chunks of files with their vectors and keyword tokens, searchable both ways."""

    name: str

    def stored_hashes(self, file_id: str) -> dict[int, str]:
        """chunk_index -> content_hash of what is stored for a file (resuming an ingest)."""
        ...

    def upsert(self, file: FileRef, chunks: Sequence[ChunkRecord], *, embedding_model: str) -> None:
        """Insert or replace chunks by (file_id, chunk_index): a retry never duplicates."""
        ...

    def truncate(self, file_id: str, *, keep: int) -> int:
        """Remove a file's chunks from index `keep` on (a document that got shorter); return how many."""
        ...

    def delete_file(self, file_id: str) -> int:
        """Remove every chunk of a file; return how many."""
        ...

    def copy_file(self, source_file_id: str, target: FileRef) -> int:
        """Give `target` the chunks of an identical earlier file; return how many."""
        ...

    def count(self, file_id: str) -> int:
        """How many chunks a file has."""
        ...

    def vector_search(
        self, vector: Sequence[float], *, embedding_model: str, scope: SearchScope, k: int
    ) -> list[Hit]:
        """The k nearest chunks (cosine) made by this model, within the scope."""
        ...

    def keyword_search(
        self, tokens: Sequence[str], *, scope: SearchScope, k: int, question: str = ""
    ) -> list[Hit]:
        """The k best BM25 matches of the tokens, within the scope.

        `question` is the text the tokens came from, for an index that also analyses it itself
        (OpenSearch's nori); one that does not ignores it.
        """
        ...
