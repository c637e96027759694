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
"""

from __future__ import annotations

import json
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
