"""The multimodal_rag graph's run context: the turn's stream and user plus retrieval collaborators."""

from __future__ import annotations

from dataclasses import dataclass

from portal.agents.graphs.context import TurnContext
from portal.db.executor import Executor
from portal.rag.embed import Embedder
from portal.rag.index import VectorIndex


@dataclass(frozen=True, kw_only=True)
class RagContext(TurnContext):
    db: Executor
    index: VectorIndex
    embedder: Embedder
