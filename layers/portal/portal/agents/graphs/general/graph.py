"""START -> remember -> respond -> END."""

from __future__ import annotations

from functools import cache
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.graphs.context import TurnContext
from portal.agents.graphs.general.nodes import remember, respond
from portal.agents.graphs.general.state import GeneralState


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The general graph, compiled once per container."""
    graph = StateGraph(GeneralState, context_schema=TurnContext)
    graph.add_node("remember", remember)
    graph.add_node("respond", respond)
    graph.add_edge(START, "remember")
    graph.add_edge("remember", "respond")
    graph.add_edge("respond", END)
    return graph.compile()
