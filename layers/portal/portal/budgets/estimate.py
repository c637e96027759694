"""What a model call may cost at most, from the catalog's prices, before it is made.

The estimate is meant as an upper bound, so that a reservation covers the call:

- output: the request's ``max_tokens`` (providers stop there);
- input: the UTF-8 byte count of everything sent (system, messages, tool specs and tool
  calls/results). Byte-level BPE tokenizers (Claude's, Gemini's SentencePiece with byte
  fallback) never make more tokens than bytes; a fixed overhead per message covers role
  markers. Korean text is ~3 bytes a character and ~1-1.5 tokens a character, so the input
  estimate is about 2x high for Korean and 3-4x for English; input is the cheap side.
- images: a fixed ``IMAGE_TOKENS`` each (Claude bills at most ~1,600 tokens for an image at
  the sizes it accepts without downscaling; Gemini 258).

A model id the catalog does not know is priced as the catalog's most expensive model.

Before a turn starts, ``turn_floor_usd`` gives the least its answer call will reserve, so the
turn's first check can refuse a turn that could not be answered without storing anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from portal.llm.base import ModelRequest, Usage
from portal.llm.catalog import CatalogModel, cost_usd, load_catalog

MESSAGE_OVERHEAD_TOKENS = 16
IMAGE_TOKENS = 1_600


def estimated_input_tokens(request: ModelRequest) -> int:
    """An upper bound on the request's input tokens (see the module docstring)."""
    total = len(request.system.encode("utf-8")) + MESSAGE_OVERHEAD_TOKENS
    for tool in request.tools:
        total += len(
            json.dumps([tool.name, tool.description, tool.input_schema], ensure_ascii=False).encode()
        )
    for message in request.messages:
        total += MESSAGE_OVERHEAD_TOKENS + len(message.content.encode("utf-8"))
        total += IMAGE_TOKENS * len(message.images)
        for call in message.tool_calls:
            total += len(json.dumps([call.name, call.input], ensure_ascii=False).encode())
        for result in message.tool_results:
            total += len(result.content.encode("utf-8")) + MESSAGE_OVERHEAD_TOKENS
    return total


@lru_cache(maxsize=1)
def _by_provider_id() -> dict[str, CatalogModel]:
    catalog = load_catalog()
    found: dict[str, CatalogModel] = {}
    for model in catalog.models:
        found.setdefault(model.model_id, model)
        if model.bedrock_model_id:
            found.setdefault(model.bedrock_model_id, model)
    return found


def model_for(provider_model_id: str) -> CatalogModel:
    """The catalog model sent under this id; the dearest model when the id is unknown."""
    known = _by_provider_id().get(provider_model_id)
    if known is not None:
        return known
    return max(load_catalog().models, key=lambda m: (m.output_price_per_mtok, m.input_price_per_mtok))


def estimate_usage(request: ModelRequest) -> Usage:
    """The tokens a call is reserved for."""
    return Usage(input_tokens=estimated_input_tokens(request), output_tokens=request.max_tokens)


def estimate_cost_usd(model: CatalogModel, request: ModelRequest) -> float:
    """The call's cost at most (long-context prices apply when the estimate crosses the threshold)."""
    return cost_usd(model, estimate_usage(request))


# Every agent's answer call asks for at least this many output tokens: ModelRequest's default
# (general, RAG, web search); the domain agents, canvas and the research report ask 4,096.
ANSWER_OUTPUT_TOKENS = ModelRequest(model_id="", messages=()).max_tokens


def turn_floor_usd(question: str, models: Sequence[CatalogModel]) -> float:
    """The least a turn's answer call will reserve: the cheapest model that may answer it, the
    question alone as input (the real call adds the system prompt and history) and the answer
    call's output. 0 when only free (offline) models can answer.

    A lower bound on purpose: a turn whose remaining budget is under it would be refused at its
    answer call anyway, after paying for the calls before it, so refusing it at the door loses
    the user nothing; a turn above it may still be refused at a later call.
    """
    usage = Usage(
        input_tokens=len(question.encode("utf-8")) + MESSAGE_OVERHEAD_TOKENS,
        output_tokens=ANSWER_OUTPUT_TOKENS,
    )
    return min((cost_usd(model, usage) for model in models if not model.is_offline), default=0.0)
