"""The run-scoped context every agent graph gets (LangGraph's ``context_schema``).

LangGraph injects it into nodes as ``runtime.context`` (``Runtime[Context]``). It holds what
a turn's nodes need but the state must not (the state stays plain data a test can write
down): the turn's stream, the asking user (read once per turn by the runner), and each
graph's collaborators (database, MCP toolbox, search providers...) in its subclass.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.agents.user_context import UserContext
from portal.realtime.stream import TurnStream


@dataclass(frozen=True, kw_only=True)
class TurnContext:
    """What every graph's nodes may use; graphs with more collaborators subclass it."""

    stream: TurnStream  # the turn's sockets (and replay table): nodes write the answer here
    user: UserContext

    @property
    def is_admin(self) -> bool:
        """Operator details (environment variables, raw errors, English reasons) only for admins."""
        return self.user.is_admin

    def write(self, text: str) -> None:
        """Stream text to the turn's sockets."""
        self.stream.write(text)
