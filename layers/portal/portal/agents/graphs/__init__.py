"""LangGraph graphs, one module per worker (state, nodes, and the compiled graph)."""
