"""The web_search graph's wiring."""

from __future__ import annotations

from functools import cache
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.graphs.web_search import nodes
from portal.agents.graphs.web_search.context import WebSearchContext
from portal.agents.graphs.web_search.state import WebSearchState


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The web_search graph, compiled once per container."""
    graph = StateGraph(WebSearchState, context_schema=WebSearchContext)
    graph.add_node("not_configured", nodes.not_configured)
    graph.add_node("plan", nodes.plan)
    graph.add_node("search", nodes.search)
    graph.add_node("nothing_found", nodes.nothing_found)
    graph.add_node("read", nodes.read)
    graph.add_node("respond", nodes.respond)
    graph.add_conditional_edges(START, nodes.configured)
    graph.add_edge("not_configured", END)
    graph.add_edge("plan", "search")
    graph.add_conditional_edges("search", nodes.found)
    graph.add_edge("nothing_found", END)
    graph.add_edge("read", "respond")
    graph.add_edge("respond", END)
    return graph.compile()
