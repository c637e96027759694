"""The tier-1 domain agents' graph: load config -> discover tools -> tool loop -> answer.

One graph serves regulations, legal, accounting and tax; the agent is part of the state.

    START -> load_config --(configured)--> discover --(tools, a model that can call them)--> tool_loop -> END
                 |                            |--(tools, offline provider)--> offline_lookup -> END
                 '--(nothing usable)---------'--(no tools)--> explain -> END

Laid out like LangGraph's templates: ``context`` (stream, user, database, the turn's MCP
toolbox, closed by the worker), ``state``, ``nodes``, ``text`` (what the user reads; the
model's instructions are portal.agents.workers.domain_prompts) and ``graph``.
"""

from portal.agents.graphs.domain.graph import build_graph
from portal.agents.graphs.domain.state import DomainAnswer

__all__ = ["DomainAnswer", "build_graph"]
