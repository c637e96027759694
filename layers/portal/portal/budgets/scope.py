"""Whose money a model call spends: the turn's user, set once per agent invocation.

The agent handlers (functions/agents/*) are wrapped with ``spends_for_turn``: it reads the
turn's user from the state machine's input and keeps it in a ContextVar for the invocation,
so every model call made under it (the intent call, the workers', research's, tool loops')
is checked by ``portal.llm.metered`` without threading an argument through every graph.
Code outside a turn (ingest's image captions, CLI evaluations) has no scope and is not
budgeted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    # Only annotated here: the ledger (and its repository) is loaded by the model calls that
    # spend, not by every handler this decorates (the deep_research worker, the Search step
    # never call a model; cold starts, #14).
    from portal.budgets.ledger import Standing

Handler = TypeVar("Handler", bound=Callable[..., Any])
_UNSET: Any = object()


@dataclass
class TurnBudget:
    """The turn's user and what the budget guard learnt while the invocation ran."""

    empno: str
    turn_id: str | None = None
    agent: str | None = None
    _department: Any = field(default=_UNSET, repr=False)
    # The standings after the last reservation that crossed a warning share (newest last).
    warnings: list[Standing] = field(default_factory=list)
    spent_usd: float = 0.0  # actual cost settled by calls of this invocation

    def department(self, lookup: Callable[[str], str | None]) -> str | None:
        """The user's department, read once per invocation (it rarely changes mid-turn)."""
        if self._department is _UNSET:
            self._department = lookup(self.empno)
        return self._department  # type: ignore[no-any-return]


_current: ContextVar[TurnBudget | None] = ContextVar("portal_turn_budget", default=None)


def current() -> TurnBudget | None:
    """The budget scope of this invocation, or None outside a turn."""
    return _current.get()


@contextmanager
def turn_budget(empno: str, *, turn_id: str | None = None, agent: str | None = None) -> Iterator[TurnBudget]:
    """Model calls in this block spend the user's budget."""
    scope = TurnBudget(empno=empno, turn_id=turn_id, agent=agent)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def _agent_of(event: dict[str, Any]) -> str | None:
    route = event.get("route")
    if isinstance(route, dict) and isinstance(route.get("agent"), str):
        return str(route["agent"])
    return None


def spends_for_turn(agent: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate an agent handler: model calls of the invocation spend the turn user's budget.

    ``agent`` names the handler's agent when the event carries no route (the supervisor).
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def wrapper(event: Any, context: Any) -> Any:
            empno = event.get("empno") if isinstance(event, dict) else None
            if not isinstance(empno, str) or not empno:
                return handler(event, context)
            with turn_budget(empno, turn_id=event.get("turn_id"), agent=_agent_of(event) or agent):
                return handler(event, context)

        return wrapper  # type: ignore[return-value]

    return decorate
