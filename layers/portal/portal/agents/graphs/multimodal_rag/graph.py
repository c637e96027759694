"""The multimodal_rag graph's wiring."""

from __future__ import annotations

from functools import cache
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.graphs.multimodal_rag import nodes
from portal.agents.graphs.multimodal_rag.context import RagContext
from portal.agents.graphs.multimodal_rag.state import RagState


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The multimodal_rag graph, compiled once per container."""
    graph = StateGraph(RagState, context_schema=RagContext)
    graph.add_node("retrieve", nodes.retrieve)
    graph.add_node("nothing_found", nodes.nothing_found)
    graph.add_node("respond", nodes.respond)
    graph.add_edge(START, "retrieve")
    graph.add_conditional_edges("retrieve", nodes.found)
    graph.add_edge("nothing_found", END)
    graph.add_edge("respond", END)
    return graph.compile()
