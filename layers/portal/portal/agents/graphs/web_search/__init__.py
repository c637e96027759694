"""The web_search worker's graph: plan a query -> search -> read the top pages -> answer with citations.

    START -> [configured?] -> plan -> search -> [found?] -> read -> respond -> END
                  |                                |
                  +-> not_configured -> END         +-> nothing_found -> END

Laid out like LangGraph's templates: ``context`` (the run's collaborators: stream, user,
search providers, page fetcher; tests hand in their own), ``state`` (plain data), ``nodes``,
``prompts`` (for the model), ``text`` (what the user reads) and ``graph`` (the wiring).
"""

from portal.agents.graphs.web_search.graph import build_graph

__all__ = ["build_graph"]
