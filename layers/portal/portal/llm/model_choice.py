"""Model selection: the seed's OptimizedLLMRouter as a pure function over the catalog.

``choose_models`` returns an ordered fallback chain (first = the model to call; the
provider layer moves down the chain on retryable faults). A task type decides which models
are the natural pool (a quality or speed floor); the priority weighs quality, speed and
cost inside it; the remaining models that fit follow as deeper fallbacks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from enum import StrEnum
from functools import cache

from portal.errors import BadRequest, PayloadTooLarge, PortalError
from portal.llm import enablement
from portal.llm.catalog import CatalogModel, get_model, load_catalog


class TaskType(StrEnum):
    COMPLEX_ANALYSIS = "complex_analysis"
    BALANCED_REASONING = "balanced_reasoning"
    QUICK_RESPONSE = "quick_response"
    MULTIMODAL = "multimodal"
    LARGE_CONTEXT = "large_context"


class Priority(StrEnum):
    COST = "cost"
    SPEED = "speed"
    QUALITY = "quality"
    BALANCED = "balanced"


# (quality, speed, cost) weights. Balanced keeps the seed's emphasis: quality first, then speed.
_PRIORITY_WEIGHTS: dict[Priority, tuple[float, float, float]] = {
    Priority.COST: (0.2, 0.2, 0.6),
    Priority.SPEED: (0.2, 0.6, 0.2),
    Priority.QUALITY: (0.85, 0.1, 0.05),
    Priority.BALANCED: (0.45, 0.3, 0.25),
}
# How a task shifts those weights before they are renormalised.
_TASK_SHIFT: dict[TaskType, tuple[float, float, float]] = {
    TaskType.COMPLEX_ANALYSIS: (0.3, -0.1, -0.1),
    TaskType.BALANCED_REASONING: (0.0, 0.0, 0.0),
    TaskType.QUICK_RESPONSE: (-0.2, 0.25, 0.1),
    TaskType.MULTIMODAL: (0.1, 0.0, 0.0),
    TaskType.LARGE_CONTEXT: (0.1, 0.0, 0.0),
}
# The task's natural pool: models below the floor only serve as deeper fallbacks.
_QUALITY_FLOOR = {
    TaskType.COMPLEX_ANALYSIS: 8,
    TaskType.BALANCED_REASONING: 7,
    TaskType.MULTIMODAL: 7,
    TaskType.LARGE_CONTEXT: 7,
}
_SPEED_FLOOR = {TaskType.QUICK_RESPONSE: 8}
_TASK_TAG_BONUS = 0.05  # the catalog tags a model as made for this task
_PREVIEW_PENALTY = 0.05  # preview ids change and throttle sooner: GA models win ties
_LARGE_CONTEXT_BONUS = 0.15  # scaled by log context window, for large_context tasks
DEFAULT_OUTPUT_RESERVE = 4096  # room left in the window for the answer

LARGE_CONTEXT_TOKENS = 100_000  # the seed's threshold
_COMPLEX_CHARS = 600
_QUICK_CHARS = 40
_IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "heic", "heif", "tif", "tiff"})
_ANALYTIC = (
    r"분석|비교|검토|평가|전략|설계|아키텍처|추론|심층|원인|장단점|시나리오|리스크|트레이드오프|로드맵|"
    r"\b(?:analy[sz]e|analysis|compare|comparison|evaluate|assess|strategy|design|architecture|"
    r"trade-?offs?|root cause|reason about|in-depth|pros and cons|why does|implications)\b"
)
_SMALL_TALK = r"^\s*(?:안녕|고마|감사|ㅎㅎ|ㅋㅋ|좋아|네|응|오케이|hi|hello|hey|thanks|thank you|ok(?:ay)?)\b"


@cache
def _wording() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The analytical and small-talk patterns, compiled at the first chat turn that infers a task.

    Not at import: the research steps name their task type and never infer one, and compiling
    these (case-insensitive Hangul alternations) took ~1 ms of their cold starts (#14).
    """
    return re.compile(_ANALYTIC, re.IGNORECASE), re.compile(_SMALL_TALK, re.IGNORECASE)


class NoModelAvailable(BadRequest):
    """No configured model can serve this request (e.g. it needs images none supports)."""

    code = "no_model_available"


def estimate_tokens(text: str) -> int:
    """Rough token count: ~4 ASCII chars per token, ~1.5 chars per token for Hangul/CJK."""
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return math.ceil(ascii_chars / 4 + (len(text) - ascii_chars) / 1.5)


def infer_task_type(text: str, attachments: Sequence[str] = (), *, context_tokens: int = 0) -> TaskType:
    """Heuristic task type of a chat turn (images, size, analytical wording, small talk)."""
    if any(name.rsplit(".", 1)[-1].lower() in _IMAGE_EXTENSIONS for name in attachments if "." in name):
        return TaskType.MULTIMODAL
    if max(context_tokens, estimate_tokens(text)) > LARGE_CONTEXT_TOKENS:
        return TaskType.LARGE_CONTEXT
    stripped = text.strip()
    analytic, small_talk = _wording()
    if len(stripped) > _COMPLEX_CHARS or analytic.search(stripped):
        return TaskType.COMPLEX_ANALYSIS
    if (len(stripped) <= _QUICK_CHARS and not attachments) or small_talk.match(stripped):
        return TaskType.QUICK_RESPONSE
    return TaskType.BALANCED_REASONING


def _fits(model: CatalogModel, context_tokens: int, has_images: bool, reserve: int) -> bool:
    if has_images and not model.supports_images:
        return False
    return context_tokens + min(reserve, model.max_output_tokens) <= model.context_window


def _in_pool(model: CatalogModel, task: TaskType) -> bool:
    return model.quality_score >= _QUALITY_FLOOR.get(task, 0) and model.speed_score >= _SPEED_FLOOR.get(
        task, 0
    )


def _scores(
    models: Sequence[CatalogModel], task: TaskType, priority: Priority, context_tokens: int
) -> dict[str, float]:
    """Weighted quality/speed/cost score per model key, all terms in 0..1."""
    shift = _TASK_SHIFT[task]
    raw = [max(0.0, w + s) for w, s in zip(_PRIORITY_WEIGHTS[priority], shift, strict=True)]
    wq, ws, wc = (w / sum(raw) for w in raw)
    # Cost on a log scale across the lineup: list prices span ~100x, and halving a price
    # should count the same at the cheap end as at the expensive end.
    prices = {m.key: max(_blended(m, context_tokens), 1e-6) for m in models}
    low, high = math.log(min(prices.values())), math.log(max(prices.values()))
    span = high - low or 1.0
    windows = [math.log(m.context_window) for m in models]
    w_low, w_span = min(windows), (max(windows) - min(windows)) or 1.0
    scores = {}
    for m in models:
        cost = 1.0 - (math.log(prices[m.key]) - low) / span
        score = wq * m.quality_score / 10 + ws * m.speed_score / 10 + wc * cost
        if task.value in m.tags:
            score += _TASK_TAG_BONUS
        if "preview" in m.tags:
            score -= _PREVIEW_PENALTY
        if task is TaskType.LARGE_CONTEXT:
            score += _LARGE_CONTEXT_BONUS * (math.log(m.context_window) - w_low) / w_span
        scores[m.key] = score
    return scores


def _blended(model: CatalogModel, context_tokens: int) -> float:
    """Blended USD/Mtok (3:1 input:output) at this request size; long-context tiers apply."""
    input_price, output_price = model.prices_for(context_tokens)
    return 0.75 * input_price + 0.25 * output_price


def _mix_providers(chain: list[CatalogModel]) -> list[CatalogModel]:
    """Move the best model of another provider to second place: an outage then costs one hop."""
    if len(chain) < 3 or chain[1].provider != chain[0].provider:
        return chain
    other = next((m for m in chain[2:] if m.provider != chain[0].provider), None)
    if other is None:
        return chain
    rest = [m for m in chain[1:] if m is not other]
    return [chain[0], other, *rest]


def choose_models(
    task_type: TaskType | str,
    *,
    configured_providers: Collection[str],
    context_tokens: int = 0,
    has_images: bool = False,
    priority: Priority | str = Priority.BALANCED,
    preferred: str | None = None,
    reserve_output_tokens: int = DEFAULT_OUTPUT_RESERVE,
) -> list[CatalogModel]:
    """Ordered fallback chain for one call; the first entry is the model to use."""
    try:
        task, prio = TaskType(task_type), Priority(priority)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    wanted = get_model(preferred) if preferred else None  # unknown key -> UnknownModel (400)
    catalog = load_catalog()
    configured = [m for m in catalog.models if not m.is_offline and m.provider in configured_providers]
    if not configured:
        # The local target with no keys: the offline model answers everything.
        return enablement.allowed_or_raise([catalog.offline])
    configured = enablement.allowed_or_raise(configured)
    fitting = [m for m in configured if _fits(m, context_tokens, has_images, reserve_output_tokens)]
    if not fitting:
        raise _none_fits(
            configured, configured_providers, has_images=has_images, context_tokens=context_tokens
        )
    scores = _scores(fitting, task, prio, context_tokens)
    ordered = sorted(fitting, key=lambda m: (not _in_pool(m, task), -scores[m.key], m.key))
    if wanted is not None and any(m.key == wanted.key for m in ordered):
        # An explicit choice wins when it can serve the request; otherwise it is ignored.
        ordered = [wanted, *(m for m in ordered if m.key != wanted.key)]
    return _mix_providers(ordered)


def _none_fits(
    configured: list[CatalogModel], providers: Collection[str], *, has_images: bool, context_tokens: int
) -> PortalError:
    """Why no configured model can take the request: images nobody reads, or too long a conversation."""
    if has_images and not any(m.supports_images for m in configured):
        return NoModelAvailable("no configured model accepts images", providers=sorted(providers))
    largest = max(m.context_window for m in configured)
    return PayloadTooLarge(
        f"the conversation needs ~{context_tokens:,} tokens; the largest configured context window is {largest:,}",
        context_tokens=context_tokens,
    )
