"""The supervisor: picks the worker of a turn and records why (the route trace).

Load the inputs (the question, the previous agent, the user's candidate agents, attachment
names; the classifier once) → the pure `decide()` of agents/routing_decision.py → return the
decision to the state machine, which hands it to the worker that stores it with the answer.
Only agents the user may use (grants, feature switches) and that this deployment can serve are
candidates; general is always one.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from portal import services
from portal.agents.access import agent_access
from portal.agents.availability import unavailable_agents
from portal.agents.classifier import classify
from portal.agents.intent import llm_intent
from portal.agents.registry import WORKERS
from portal.agents.routing_decision import RouteInputs, decide, wants_intent
from portal.agents.turn import RouteDecision, TurnInput
from portal.db.executor import Executor
from portal.db.repositories import files, messages, users
from portal.db.repositories.users import User
from portal.errors import NotFound
from portal.observability import logger


def candidates_for(db: Executor, user: User) -> set[str]:
    """Agents a turn of this user may be routed to automatically."""
    usable = set(agent_access(db, user).usable) - unavailable_agents()
    return (usable & set(WORKERS)) | {"general"}


def attachment_names(db: Executor, turn: TurnInput, company_code: str | None) -> list[str]:
    """The classifier reads file names (extensions): attachments arrive as uploaded-file ids."""
    names = []
    for ref in turn.options.attachments:
        try:
            file_id = str(uuid.UUID(ref))
        except ValueError:
            names.append(ref)  # already a name (API clients may send names)
            continue
        found = files.get_readable(db, file_id=file_id, empno=turn.empno, company_code=company_code)
        if found is not None:
            names.append(found.original_name)
    return names


def route(turn: TurnInput) -> RouteDecision:
    """Decide which worker answers this turn."""
    inputs, question, candidates = _load(turn)
    if wants_intent(inputs):
        inputs = replace(inputs, intent=llm_intent(question, candidates))
    decision = decide(inputs)
    logger.info("turn routed", extra={"route": decision.model_dump()})
    return decision


def _load(turn: TurnInput) -> tuple[RouteInputs, str, set[str]]:
    """The decision's inputs, the question (for the intent call) and the candidate agents."""
    db = services.db()
    question = messages.get_turn_message(db, turn_id=turn.turn_id, role="user")
    if question is None:
        raise NotFound(f"Turn {turn.turn_id} has no stored user message")
    previous = messages.recent(db, conversation_id=turn.conversation_id, limit=2, before_turn=turn.turn_id)
    previous_agent = next((m.agent_type for m in reversed(previous) if m.role == "assistant"), None)
    user = users.get(db, empno=turn.empno)
    if user is None:
        raise NotFound(f"User {turn.empno} does not exist")
    candidates = candidates_for(db, user)
    guess = classify(
        question.content,
        attachments=attachment_names(db, turn, user.company_code),
        previous_agent=previous_agent,
        allowed=candidates,
    )
    inputs = RouteInputs(
        toggle=turn.options.toggle, chosen=turn.options.agent, guess=guess, deployed=frozenset(WORKERS)
    )
    return inputs, question.content, candidates
