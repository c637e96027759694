"""START -> locate -> write -> save -> END."""

from __future__ import annotations

from functools import cache
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from portal.agents.graphs.canvas import nodes
from portal.agents.graphs.canvas.context import CanvasContext
from portal.agents.graphs.canvas.state import CanvasState


@cache
def build_graph() -> CompiledStateGraph[Any, Any, Any, Any]:
    """The canvas graph, compiled once per container."""
    graph = StateGraph(CanvasState, context_schema=CanvasContext)
    graph.add_node("locate", nodes.locate)
    graph.add_node("write", nodes.write)
    graph.add_node("save", nodes.save)
    graph.add_edge(START, "locate")
    graph.add_edge("locate", "write")
    graph.add_edge("write", "save")
    graph.add_edge("save", END)
    return graph.compile()
