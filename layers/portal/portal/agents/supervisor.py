"""The supervisor: picks the worker of a turn and records why (the route trace).

Precedence, as in the design: the message's feature toggle > an explicitly chosen agent >
the fast local classifier > an LLM intent call when the classifier is unsure.
"""

from __future__ import annotations

from portal import services
from portal.agents.classifier import UNSURE_BELOW as CONFIDENT
from portal.agents.classifier import classify
from portal.agents.registry import WORKERS
from portal.agents.turn import RouteDecision, TurnInput
from portal.db.repositories import messages
from portal.errors import NotFound
from portal.observability import logger

# A forced agent gets a suggestion when the classifier prefers another this clearly.
SUGGEST_MARGIN = 0.25


def route(turn: TurnInput) -> RouteDecision:
    """Decide which worker answers this turn."""
    db = services.db()
    user_message = messages.get_turn_message(db, turn_id=turn.turn_id, role="user")
    if user_message is None:
        raise NotFound(f"Turn {turn.turn_id} has no stored user message")
    previous = messages.recent(db, conversation_id=turn.conversation_id, limit=2, before_turn=turn.turn_id)
    previous_agent = next((m.agent_type for m in reversed(previous) if m.role == "assistant"), None)
    opts = turn.options

    guess = classify(user_message.content, attachments=opts.attachments, previous_agent=previous_agent)
    if opts.toggle:
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
        )
        if guess.agent != opts.agent and guess.confidence >= CONFIDENT + SUGGEST_MARGIN:
            decision.suggestion = {
                "agent": guess.agent,
                "reason": guess.reason,
                "confidence": guess.confidence,
            }
    else:
        decision = RouteDecision(
            agent=guess.agent,
            confidence=guess.confidence,
            reason=guess.reason,
            decided_by="classifier",
            runners_up=[(a, round(s, 3)) for a, s in guess.runners_up],
        )
    if decision.agent not in WORKERS:
        # No worker deployed for that agent yet: answer with the general worker, and say so.
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
