"""Retrieval from the user's uploaded files, for research queries: the same retrieval as RAG.

Each research query is searched among the files the user may read by default (their own and
their workspaces' files, portal.rag.retrieve.search: the same hybrid vector + keyword search,
Korean-aware, that the multimodal_rag agent answers from), so deep research uses the user's
documents even where no web-search key is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # Imported on use below: the deep_research worker asks only whether a retriever exists,
    # and its cold start need not create the findings' models for that (#14).
    from portal.agents.research.findings import FilePassage


class Retriever(Protocol):
    """Finds passages of one user's files that answer a query."""

    def retrieve(self, *, empno: str, query: str, limit: int) -> list[FilePassage]: ...


class RagRetriever:
    """portal.rag.retrieve over the deployment's database, vector index and embedder."""

    def retrieve(self, *, empno: str, query: str, limit: int) -> list[FilePassage]:
        # Imported on use: the search step's cold start pays for RAG only when it retrieves.
        from portal import services
        from portal.agents.research.findings import FilePassage
        from portal.rag.retrieve import search

        passages = search(services.db(), empno=empno, question=query, k=limit)
        return [
            FilePassage(file_id=p.file_id, filename=p.name, text=p.content, score=p.score, page=p.page)
            for p in passages
        ]


def files_retriever() -> Retriever | None:
    """The deployment's file retriever (RAG retrieval scoped to what the user may read)."""
    return RagRetriever()
