"""The supervisor's decision, table-driven over loaded inputs: no PostgreSQL, no moto, no model."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from portal.agents.classifier import Classification, classify
from portal.agents.intent import IntentChoice
from portal.agents.registry import WORKERS, agent_name
from portal.agents.routing_decision import RouteInputs, decide, wants_intent

ALL_DEPLOYED = frozenset(WORKERS)


def guess(agent: str = "general", confidence: float = 0.9, over_all: float | None = None) -> Classification:
    return Classification(
        agent=agent,
        confidence=confidence,
        reason=f"cues for {agent}",
        runners_up=[("web_search", 0.04321)],
        confidence_over_all=over_all,
    )


def intent(agent: str = "canvas") -> IntentChoice:
    return IntentChoice(agent, "wants a document", ({"purpose": "intent", "model": "claude-haiku"},))


@dataclass(frozen=True)
class Case:
    name: str
    inputs: RouteInputs
    agent: str
    decided_by: str
    requested_agent: str | None = None
    suggested: str | None = None


CASES = [
    Case(
        "the toggle wins over a chosen agent and the classifier",
        RouteInputs(toggle="deep_research", chosen="tax", guess=guess("legal"), deployed=ALL_DEPLOYED),
        "deep_research",
        "toggle",
    ),
    Case(
        "a chosen agent the classifier agrees with gets no suggestion",
        RouteInputs(toggle=None, chosen="tax", guess=guess("tax", 0.95), deployed=ALL_DEPLOYED),
        "tax",
        "explicit",
        requested_agent="tax",
    ),
    Case(
        "a chosen agent the classifier clearly disagrees with gets the classifier's suggestion",
        RouteInputs(toggle=None, chosen="general", guess=guess("tax", 0.85), deployed=ALL_DEPLOYED),
        "general",
        "explicit",
        requested_agent="general",
        suggested="tax",
    ),
    Case(
        "a chosen agent the classifier only leans against gets no suggestion",
        RouteInputs(toggle=None, chosen="general", guess=guess("tax", 0.79), deployed=ALL_DEPLOYED),
        "general",
        "explicit",
        requested_agent="general",
    ),
    Case(
        "a sure classifier decides, and an intent answer given anyway is ignored",
        RouteInputs(
            toggle=None, chosen=None, guess=guess("legal", 0.8), deployed=ALL_DEPLOYED, intent=intent()
        ),
        "legal",
        "classifier",
    ),
    Case(
        "an unsure classifier defers to the LLM intent call",
        RouteInputs(
            toggle=None, chosen=None, guess=guess("general", 0.4), deployed=ALL_DEPLOYED, intent=intent()
        ),
        "canvas",
        "llm",
    ),
    Case(
        "sure among few candidates but unsure over every agent still asks the LLM",
        RouteInputs(
            toggle=None,
            chosen=None,
            guess=guess("general", 0.9, over_all=0.3),
            deployed=ALL_DEPLOYED,
            intent=intent(),
        ),
        "canvas",
        "llm",
    ),
    Case(
        "an unsure classifier without an intent answer (no real model) decides itself",
        RouteInputs(toggle=None, chosen=None, guess=guess("web_search", 0.4), deployed=ALL_DEPLOYED),
        "web_search",
        "classifier",
    ),
    Case(
        "a chosen agent without a deployed worker falls back to general and keeps what was asked",
        RouteInputs(toggle=None, chosen="tax", guess=guess("tax"), deployed=frozenset({"general"})),
        "general",
        "fallback",
        requested_agent="tax",
    ),
    Case(
        "a classified agent without a deployed worker falls back to general",
        RouteInputs(toggle=None, chosen=None, guess=guess("legal"), deployed=frozenset({"general"})),
        "general",
        "fallback",
        requested_agent="legal",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_decide(case: Case) -> None:
    # When the supervisor decides over these inputs
    decision = decide(case.inputs)

    # Then the agent, what decided it, what was asked for and any suggestion are as the design says
    assert (decision.agent, decision.decided_by) == (case.agent, case.decided_by)
    assert decision.requested_agent == case.requested_agent
    assert (decision.suggestion or {}).get("agent") == case.suggested


def test_the_trace_says_why_and_carries_the_intent_call() -> None:
    inputs = RouteInputs(
        toggle=None, chosen=None, guess=guess("general", 0.4), deployed=ALL_DEPLOYED, intent=intent()
    )
    decision = decide(inputs)
    assert decision.calls == [{"purpose": "intent", "model": "claude-haiku"}]
    assert "classifier unsure: cues for general" in decision.reason and "claude-haiku" in decision.reason
    assert decision.runners_up == [("web_search", 0.043)]
    assert decision.confidence == 0.4


def test_intent_replies_that_named_no_agent_are_still_paid_for() -> None:
    # Given an unsure classifier and two intent calls whose replies named no candidate
    calls = ({"purpose": "intent", "model": "claude-haiku"}, {"purpose": "intent", "model": "claude-sonnet"})
    inputs = RouteInputs(
        toggle=None,
        chosen=None,
        guess=guess("general", 0.4),
        deployed=ALL_DEPLOYED,
        intent=IntentChoice(None, "", calls),
    )
    # When the supervisor decides
    decision = decide(inputs)
    # Then the classifier's pick stands, and the turn carries both calls (the stored cost and the
    # usage screens count what the budget counter took)
    assert (decision.agent, decision.decided_by) == ("general", "classifier")
    assert decision.calls == list(calls)


def test_the_fallback_reason_names_the_missing_worker() -> None:
    inputs = RouteInputs(toggle=None, chosen=None, guess=guess("legal"), deployed=frozenset({"general"}))
    assert decide(inputs).reason == "cues for legal; no legal worker is deployed, general answers"


@pytest.mark.parametrize(
    ("toggle", "chosen", "confidence", "over_all", "wanted"),
    [
        ("canvas", None, 0.1, None, False),  # a toggle decides: no model call
        (None, "tax", 0.1, None, False),  # so does a chosen agent
        (None, None, 0.4, None, True),  # unsure
        (None, None, 0.55, None, False),  # sure from UNSURE_BELOW on
        (None, None, 0.9, 0.3, True),  # sure only because the candidates were few
    ],
)
def test_wants_intent(
    toggle: str | None, chosen: str | None, confidence: float, over_all: float | None, wanted: bool
) -> None:
    inputs = RouteInputs(
        toggle=toggle,  # type: ignore[arg-type]
        chosen=chosen,  # type: ignore[arg-type]
        guess=guess("general", confidence, over_all),
        deployed=ALL_DEPLOYED,
    )
    assert wants_intent(inputs) is wanted


@pytest.mark.parametrize(
    "text", ["음 그거 좀 해볼까", "부가세 신고 기한 알려줘", "hello", "이 계약서 검토해줘"]
)
def test_one_classifier_run_knows_the_confidence_over_every_agent(text: str) -> None:
    # Given a user allowed only two agents
    restricted = classify(text, allowed={"general", "tax"})
    # Then the restricted run reports the confidence an unrestricted run would have
    assert restricted.confidence_over_all == pytest.approx(classify(text).confidence)


def test_an_unknown_agent_name_is_refused() -> None:
    assert agent_name("tax") == "tax"
    with pytest.raises(ValueError, match="not an agent"):
        agent_name("astrology")
