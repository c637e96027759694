"""The supervisor: picks the worker of a turn and records why (the route trace).

Precedence, as in the design: the message's feature toggle > an explicitly chosen agent >
the fast local classifier > an LLM intent call when the classifier is unsure. Only agents
the user may use (grants, feature switches) and that this deployment can serve are
candidates; general is always one.
"""

from __future__ import annotations

import uuid

from portal import services
from portal.agents.access import agent_access
from portal.agents.availability import unavailable_agents
from portal.agents.classifier import UNSURE_BELOW, Classification, classify
from portal.agents.intent import llm_intent
from portal.agents.registry import WORKERS
from portal.agents.turn import RouteDecision, TurnInput
from portal.db.executor import Executor
from portal.db.repositories import files, messages, users
from portal.db.repositories.users import User
from portal.errors import NotFound
from portal.observability import logger

# A forced agent gets a suggestion when the classifier prefers another this clearly.
SUGGEST_ABOVE = 0.8


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


def _runners_up(guess: Classification) -> list[tuple[str, float]]:
    return [(a, round(s, 3)) for a, s in guess.runners_up]


def route(turn: TurnInput) -> RouteDecision:
    """Decide which worker answers this turn."""
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
    opts = turn.options
    attached = attachment_names(db, turn, user.company_code)
    guess = classify(
        question.content, attachments=attached, previous_agent=previous_agent, allowed=candidates
    )
    # Whether the classifier is sure is judged over every agent: restricting the candidates
    # renormalises the scores and would make a message with no cues look confident.
    unsure = classify(question.content, attachments=attached, previous_agent=previous_agent).unsure

    if opts.toggle:
        # The user pressed a feature button: honour it (the API already refused switched-off ones).
        decision = RouteDecision(
            agent=opts.toggle, confidence=1.0, reason=f"toggle: {opts.toggle}", decided_by="toggle"
        )
    elif opts.agent:
        decision = RouteDecision(
            agent=opts.agent,
            confidence=1.0,
            reason=f"chosen by the user: {opts.agent}",
            decided_by="explicit",
            requested_agent=opts.agent,
            runners_up=_runners_up(guess),
        )
        if guess.agent != opts.agent and guess.confidence >= SUGGEST_ABOVE:
            decision.suggestion = {
                "agent": guess.agent,
                "reason": guess.reason,
                "confidence": round(guess.confidence, 3),
            }
    elif (unsure or guess.confidence < UNSURE_BELOW) and (asked := llm_intent(question.content, candidates)):
        decision = RouteDecision(
            agent=asked.agent,
            confidence=guess.confidence,
            reason=f"{asked.reason} (LLM intent via {asked.call['model']}; classifier unsure: {guess.reason})",
            decided_by="llm",
            runners_up=_runners_up(guess),
            calls=[asked.call],
        )
    else:
        decision = RouteDecision(
            agent=guess.agent,
            confidence=guess.confidence,
            reason=guess.reason,
            decided_by="classifier",
            runners_up=_runners_up(guess),
        )
    if decision.agent not in WORKERS:
        # Defensive: an agent with no deployed worker is answered by general, and says so.
        decision = decision.model_copy(
            update={
                "reason": f"{decision.reason}; no {decision.agent} worker is deployed, general answers",
                "requested_agent": decision.requested_agent or decision.agent,
                "agent": "general",
                "decided_by": "fallback",
            }
        )
    logger.info("turn routed", extra={"route": decision.model_dump()})
    return decision
