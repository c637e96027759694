"""The multimodal_rag worker's graph: retrieve from the user's files -> answer with page citations.

    START -> retrieve -> [found?] -> respond -> END
                             |
                             +-> nothing_found -> END

retrieve first rewrites the question into the other document language (Korean <-> English)
with one cheap model call when a model is configured (portal.rag.crosslingual).

Laid out like LangGraph's templates: ``context`` (stream, user, database, index, embedder;
tests hand in their own index), ``state``, ``nodes``, ``prompts``, ``text`` and ``graph``.
"""

from portal.agents.graphs.multimodal_rag.graph import build_graph

__all__ = ["build_graph"]
