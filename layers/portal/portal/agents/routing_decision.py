"""Which worker answers a turn: a pure decision over inputs the supervisor loaded.

Precedence, as in the design: the message's feature toggle > an explicitly chosen agent >
the fast local classifier > an LLM intent call when the classifier is unsure; an agent with
no deployed worker falls back to general. No database and no model call here: the supervisor
(agents/supervisor.py) loads the inputs, asks for the intent call when `wants_intent` says so,
and returns the decision to the state machine, which carries it to the worker that stores it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from portal.agents.classifier import Classification
from portal.agents.intent import IntentChoice
from portal.agents.registry import AgentName, Toggle, agent_name
from portal.agents.turn import RouteDecision

# A forced agent gets a suggestion when the classifier prefers another this clearly.
SUGGEST_ABOVE = 0.8


@dataclass(frozen=True)
class RouteInputs:
    """Everything the decision depends on, loaded beforehand."""

    toggle: Toggle | None  # the feature button the user pressed
    chosen: AgentName | None  # the agent the user picked
    guess: Classification  # the local classifier over the candidate agents (run once)
    deployed: Collection[str]  # agents with a deployed worker
    intent: IntentChoice | None = None  # the LLM's pick, asked only when wants_intent() said so


def wants_intent(inputs: RouteInputs) -> bool:
    """The LLM intent call is worth its latency: nothing was chosen and the classifier is unsure."""
    return inputs.toggle is None and inputs.chosen is None and inputs.guess.unsure_over_all


def decide(inputs: RouteInputs) -> RouteDecision:
    """The worker of this turn and why."""
    decision = _choose(inputs)
    if decision.agent in inputs.deployed:
        return decision
    # Defensive: an agent with no deployed worker is answered by general, and says so.
    return decision.model_copy(
        update={
            "reason": f"{decision.reason}; no {decision.agent} worker is deployed, general answers",
            "requested_agent": decision.requested_agent or decision.agent,
            "agent": "general",
            "decided_by": "fallback",
        }
    )


def _choose(inputs: RouteInputs) -> RouteDecision:
    guess, runners_up = inputs.guess, _runners_up(inputs.guess)
    if inputs.toggle is not None:
        # The user pressed a feature button: honour it (the API already refused switched-off ones).
        return RouteDecision(
            agent=inputs.toggle, confidence=1.0, reason=f"toggle: {inputs.toggle}", decided_by="toggle"
        )
    if inputs.chosen is not None:
        suggest = guess.agent != inputs.chosen and guess.confidence >= SUGGEST_ABOVE
        return RouteDecision(
            agent=inputs.chosen,
            confidence=1.0,
            reason=f"chosen by the user: {inputs.chosen}",
            decided_by="explicit",
            requested_agent=inputs.chosen,
            runners_up=runners_up,
            suggestion=(
                {"agent": guess.agent, "reason": guess.reason, "confidence": round(guess.confidence, 3)}
                if suggest
                else None
            ),
        )
    asked = inputs.intent if wants_intent(inputs) else None
    if asked is not None and asked.agent is not None:
        return RouteDecision(
            agent=agent_name(asked.agent),
            confidence=guess.confidence,
            reason=f"{asked.reason} (LLM intent via {asked.call['model']}; classifier unsure: {guess.reason})",
            decided_by="llm",
            runners_up=runners_up,
            calls=list(asked.calls),
        )
    return RouteDecision(
        agent=agent_name(guess.agent),
        confidence=guess.confidence,
        reason=guess.reason,
        decided_by="classifier",
        runners_up=runners_up,
        calls=list(asked.calls) if asked is not None else [],  # unusable intent replies, still paid
    )


def _runners_up(guess: Classification) -> list[tuple[str, float]]:
    return [(a, round(s, 3)) for a, s in guess.runners_up]
