"""The canvas graph's run context: the turn's stream and user plus the database and turn id."""

from __future__ import annotations

from dataclasses import dataclass

from portal.agents.graphs.context import TurnContext
from portal.db.executor import Executor
from portal.db.repositories.users import User


@dataclass(frozen=True, kw_only=True)
class CanvasContext(TurnContext):
    db: Executor
    turn_id: str  # the artifact version written by this turn (a repeated run finds it)

    @property
    def account(self) -> User:
        """The acting user's row (the canvas writes as them); the worker refuses a turn without one."""
        assert self.user.account is not None, "the canvas worker checks the user exists"
        return self.user.account
