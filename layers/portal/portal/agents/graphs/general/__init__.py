"""The general worker's graph: remember (recent turns, summarised when long) -> respond (streamed).

Laid out like LangGraph's templates: ``state`` (plain data), ``nodes``, ``prompts`` (for the
model) and ``graph`` (the wiring); the turn's stream and user arrive as the run's
``context`` (portal.agents.graphs.context.TurnContext).
"""

from portal.agents.graphs.general.graph import build_graph

__all__ = ["build_graph"]
