"""The domain graph's wiring."""

from __future__ import annotations

from functools import cache
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.graphs.domain import nodes
from portal.agents.graphs.domain.context import DomainContext
from portal.agents.graphs.domain.state import DomainState


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The domain graph, compiled once per container."""
    graph = StateGraph(DomainState, context_schema=DomainContext)
    graph.add_node("load_config", nodes.load_config)
    graph.add_node("discover", nodes.discover)
    graph.add_node("tool_loop", nodes.tool_loop)
    graph.add_node("offline_lookup", nodes.offline_lookup)
    graph.add_node("explain", nodes.explain)
    graph.add_edge(START, "load_config")
    graph.add_conditional_edges("load_config", nodes.after_load)
    graph.add_conditional_edges("discover", nodes.after_discover)
    for node in ("tool_loop", "offline_lookup", "explain"):
        graph.add_edge(node, END)
    return graph.compile()
