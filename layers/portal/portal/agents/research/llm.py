"""Model calls of the research steps: only real models (the offline provider cannot plan)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from portal.agents.research.models import StepUsage
from portal.llm.base import ChatMessage, ModelRequest
from portal.llm.catalog import CatalogModel
from portal.llm.model_choice import Priority, TaskType, choose_models
from portal.llm.service import AllModelsFailed, StreamedAnswer, configured_providers, stream_answer
from portal.observability import logger

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


def real_chain(
    task_type: TaskType,
    *,
    priority: str = Priority.BALANCED,
    preferred: str | None = None,
    context_tokens: int = 0,
) -> list[CatalogModel]:
    """The router's fallback chain over real models; empty when only the offline provider is here."""
    chain = choose_models(
        task_type,
        configured_providers=configured_providers(),
        priority=priority,
        preferred=preferred,
        context_tokens=context_tokens,
    )
    return [m for m in chain if not m.is_offline]


def usage_of(result: StreamedAnswer) -> StepUsage:
    return StepUsage(
        input_tokens=result.usage.input_tokens,
        output_tokens=result.usage.output_tokens,
        cost_usd=result.cost_usd,
        model=result.model.key,
    )


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in a model reply (code fences and chatter around it are tolerated)."""
    cleaned = _FENCE.sub("", text.strip())
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        value = json.loads(cleaned[start : end + 1])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _discard(_text: str) -> None:
    """Planning replies are JSON for the next step, not text for the user's screen."""


@dataclass
class JsonReply:
    data: dict[str, Any] | None  # None when the reply was not a JSON object
    usage: StepUsage


def ask_json(system: str, prompt: str, *, korean: bool, max_tokens: int = 1200) -> JsonReply | None:
    """One JSON-answering call along the fallback chain; None without a real model or when all fail."""
    chain = real_chain(TaskType.BALANCED_REASONING, context_tokens=(len(system) + len(prompt)) // 3)
    if not chain:
        return None
    request = ModelRequest(
        model_id="",
        messages=(ChatMessage(role="user", content=prompt),),
        system=system,
        max_tokens=max_tokens,
        temperature=0.0,
    )
    try:
        result = stream_answer(chain, request, _discard, korean=korean)
    except AllModelsFailed as exc:
        logger.warning("research model call failed; using rules", extra={"error": str(exc)})
        return None
    data = parse_json_object(result.text)
    if data is None:
        logger.warning("research model reply was not JSON; using rules", extra={"reply": result.text[:300]})
    return JsonReply(data, usage_of(result))


def strings(value: object, *, limit: int, max_chars: int = 300) -> list[str]:
    """A clean list of distinct non-empty strings from a model's JSON field."""
    if not isinstance(value, list):
        return []
    seen: dict[str, str] = {}
    for item in value:
        if isinstance(item, str) and item.strip():
            text = " ".join(item.split())[:max_chars]
            seen.setdefault(text.casefold(), text)
    return list(seen.values())[:limit]
