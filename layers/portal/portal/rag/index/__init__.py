"""Chunk indexes behind one interface: pgvector (default) and OpenSearch (opt-in)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from portal.db.executor import Executor
from portal.errors import NotConfigured
from portal.rag.index.base import ChunkRecord, FileRef, Hit, SearchScope, StoredChunk, VectorIndex
from portal.settings import Settings, get_settings

__all__ = ["ChunkRecord", "FileRef", "Hit", "SearchScope", "StoredChunk", "VectorIndex", "get_index"]


@lru_cache(maxsize=4)
def _opensearch_client(endpoint: str, region: str) -> Any:
    from portal.rag.index.opensearch import connect

    return connect(endpoint, region)


def get_index(db: Executor, settings: Settings | None = None) -> VectorIndex:
    """The index this deployment is configured with (PORTAL_VECTOR_STORE)."""
    settings = settings or get_settings()
    if settings.vector_store == "opensearch":
        if not settings.opensearch_endpoint:
            raise NotConfigured("PORTAL_VECTOR_STORE=opensearch needs PORTAL_OPENSEARCH_ENDPOINT")
        from portal.rag.index.opensearch import OpenSearchIndex

        return OpenSearchIndex(
            _opensearch_client(settings.opensearch_endpoint, settings.region), settings.opensearch_index
        )
    from portal.rag.index.pgvector import PgVectorIndex

    return PgVectorIndex(db)
