"""Streams an answer along a fallback chain of models and accounts for tokens and cost."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from portal.llm.base import (
    ChatModel,
    Completed,
    GenerationInterrupted,
    ModelRequest,
    ProviderError,
    TextDelta,
    Usage,
)
from portal.llm.catalog import CatalogModel, cost_usd
from portal.llm.metered import interrupted_usage, metered
from portal.observability import logger
from portal.settings import get_settings


@lru_cache(maxsize=1)
def providers() -> dict[str, ChatModel]:
    """This deployment's providers (SDKs import on first use, not here)."""
    from portal.llm.providers.registry import build_providers
    from portal.secrets import settings_with_provider_keys

    return build_providers(settings_with_provider_keys(get_settings()))


def configured_providers() -> set[str]:
    """Names of the providers that can answer here ("offline" always)."""
    return set(providers())


def provider_model_id(model: CatalogModel) -> str:
    """The id to send: Bedrock's inference profile when Claude goes through Bedrock."""
    if model.provider == "anthropic" and get_settings().use_bedrock and model.bedrock_model_id:
        return model.bedrock_model_id
    return model.model_id


def call_record(purpose: str, model: CatalogModel, usage: Usage) -> dict[str, object]:
    """One model call's accounting, stored on the turn's message (metadata.calls)."""
    return {
        "purpose": purpose,
        "model": model.key,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cost_usd": round(cost_usd(model, usage), 6),
    }


@dataclass
class StreamedAnswer:
    text: str
    model: CatalogModel
    usage: Usage
    cost_usd: float
    stop_reason: str | None = None
    fallbacks: list[dict[str, str]] = field(default_factory=list)  # models that failed, and why


def interrupted_answer(
    model: CatalogModel, request: ModelRequest, text: str, fallbacks: list[dict[str, str]]
) -> StreamedAnswer:
    """A stream cut short: its text, and its usage and cost estimated from the request and the text."""
    usage = interrupted_usage(request, text)
    return StreamedAnswer(text, model, usage, cost_usd(model, usage), "interrupted", fallbacks)


class AllModelsFailed(RuntimeError):
    """Every model of the chain failed; the turn fails (the state machine's Catch tells the user)."""


def _switch_notice(failed: CatalogModel, nxt: CatalogModel, korean: bool) -> str:
    if korean:
        return f"\n\n[{failed.display_name} 응답이 중단되어 {nxt.display_name}(으)로 이어서 답합니다]\n\n"
    return f"\n\n[{failed.display_name} stopped responding; {nxt.display_name} continues]\n\n"


def stream_answer(
    chain: Sequence[CatalogModel],
    request: ModelRequest,
    on_text: Callable[[str], None],
    *,
    available: dict[str, ChatModel] | None = None,
    korean: bool = True,
) -> StreamedAnswer:
    """Try each model in order; throttling, 5xx and timeouts fall through to the next one."""
    available = providers() if available is None else available
    fallbacks: list[dict[str, str]] = []
    parts: list[str] = []
    chain = [m for m in chain if m.provider in available]
    for index, model in enumerate(chain):
        provider = available[model.provider]
        emitted = False
        try:
            usage, stop = Usage(), None
            for event in metered(provider, replace(request, model_id=provider_model_id(model)), model):
                if isinstance(event, TextDelta):
                    emitted = True
                    parts.append(event.text)
                    on_text(event.text)
                elif isinstance(event, Completed):
                    usage, stop = event.usage, event.stop_reason
            return StreamedAnswer("".join(parts), model, usage, cost_usd(model, usage), stop, fallbacks)
        except GenerationInterrupted as exc:
            # Stopped mid-stream: the provider never reported usage, so what was sent and what
            # was generated are estimated (the provider bills both all the same).
            exc.partial = interrupted_answer(model, request, "".join(parts), fallbacks)
            raise
        except ProviderError as exc:
            if not exc.retryable or index == len(chain) - 1:
                raise AllModelsFailed(f"{model.key}: {exc}") from exc
            logger.warning("model failed, falling back", extra={"model": model.key, "error": str(exc)})
            fallbacks.append({"model": model.key, "error": type(exc).__name__})
            if emitted:
                # The user already saw part of this answer: say why another model continues.
                notice = _switch_notice(model, chain[index + 1], korean)
                parts.append(notice)
                on_text(notice)
    raise AllModelsFailed("no configured model can answer this request")
