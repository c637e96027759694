"""The LLM intent call: asked only when the local classifier is unsure."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, replace

from portal.agents.registry import AGENT_DESCRIPTIONS
from portal.llm import service
from portal.llm.base import ChatMessage, ModelRequest, ProviderError, collect
from portal.llm.model_choice import Priority, TaskType, choose_models
from portal.llm.service import call_record, configured_providers, provider_model_id
from portal.observability import logger

_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)


def _prompt(candidates: Collection[str]) -> str:
    lines = "\n".join(f"- {a}: {AGENT_DESCRIPTIONS[a]}" for a in sorted(candidates))
    return (
        "You route one message of an enterprise AI portal to exactly one agent.\n"
        f"Agents:\n{lines}\n"
        'Reply with JSON only: {"agent": "<one of the names above>", "reason": "<a few words>"}'
    )


def parse_choice(text: str, candidates: Collection[str]) -> tuple[str, str] | None:
    """The agent and reason from a model reply, if it names a candidate."""
    for match in _JSON_OBJECT.finditer(text):
        try:
            data = json.loads(match.group(0))
        except ValueError:
            continue
        agent = str(data.get("agent", "")).strip()
        if agent in candidates:
            return agent, str(data.get("reason", ""))[:200]
    return None


@dataclass(frozen=True)
class IntentChoice:
    agent: str | None  # None: no attempt named a candidate (the classifier decides)
    reason: str
    # Every intent call made, in order (see llm.service.call_record): a reply that named no
    # agent was still paid for, so the turn records it and the usage screens count it.
    calls: tuple[dict[str, object], ...]

    @property
    def call(self) -> dict[str, object]:
        """The call that decided (the last one)."""
        return self.calls[-1]


def llm_intent(question: str, candidates: Collection[str]) -> IntentChoice | None:
    """The agent a quick model picks (agent None when no reply named one, with the calls made),
    or None when no real model is configured or every call failed before answering."""
    real = configured_providers() - {"offline"}
    if not real or len(candidates) < 2:
        return None
    chain = choose_models(TaskType.QUICK_RESPONSE, configured_providers=real, priority=Priority.SPEED)
    request = ModelRequest(
        model_id="",
        messages=(ChatMessage(role="user", content=question[:4000]),),
        system=_prompt(candidates),
        max_tokens=100,
        temperature=0.0,
    )
    calls: list[dict[str, object]] = []
    for model in chain[:2]:
        try:
            reply = collect(
                service.providers()[model.provider], _with_model(request, provider_model_id(model))
            )
        except ProviderError as exc:
            logger.warning("intent call failed", extra={"model": model.key, "error": str(exc)})
            continue
        calls.append(call_record("intent", model, reply.usage))
        choice = parse_choice(reply.text, candidates)
        if choice:
            return IntentChoice(choice[0], choice[1], tuple(calls))
    return IntentChoice(None, "", tuple(calls)) if calls else None


def _with_model(request: ModelRequest, model_id: str) -> ModelRequest:
    return replace(request, model_id=model_id)
