"""Retrieval from the user's uploaded files, for research queries.

The RAG module (portal.rag.retrieve) is being built separately; until it is connected here,
``files_retriever()`` returns None and every research query reports its files step as
"not_available" (and the report says so) instead of pretending to have searched.
"""

from __future__ import annotations

from typing import Protocol

from portal.agents.research.models import FilePassage


class Retriever(Protocol):
    """Finds passages of one user's files that answer a query."""

    def retrieve(self, *, empno: str, query: str, limit: int) -> list[FilePassage]: ...


def files_retriever() -> Retriever | None:
    """The deployment's file retriever, or None while RAG retrieval is not connected.

    Integration point: return an adapter over portal.rag.retrieve here (scoped to the
    user's own files by empno).
    """
    return None
