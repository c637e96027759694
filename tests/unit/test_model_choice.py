"""Model selection: fallback chains over the catalog by task, priority, size and providers."""

from __future__ import annotations

import json

import pytest
from portal.errors import BadRequest, PayloadTooLarge
from portal.llm import model_choice
from portal.llm.catalog import Catalog, CatalogModel, UnknownModel, load_catalog
from portal.llm.model_choice import Priority, TaskType, choose_models, estimate_tokens, infer_task_type

BOTH = {"anthropic", "google"}


def keys(chain: list[CatalogModel]) -> list[str]:
    return [m.key for m in chain]


def test_no_configured_provider_means_offline_only() -> None:
    assert keys(choose_models(TaskType.BALANCED_REASONING, configured_providers=set())) == ["offline"]
    assert keys(choose_models("quick_response", configured_providers={"offline"})) == ["offline"]


@pytest.mark.parametrize("task", list(TaskType))
@pytest.mark.parametrize("priority", list(Priority))
def test_chain_uses_configured_providers_and_mixes_them(task: TaskType, priority: Priority) -> None:
    chain = choose_models(task, priority=priority, configured_providers=BOTH)
    assert len(chain) == 8
    assert all(m.provider in BOTH for m in chain)  # offline never trails real models
    assert chain[0].provider != chain[1].provider  # an outage of one provider costs one hop


def test_single_provider_chain() -> None:
    chain = choose_models(TaskType.COMPLEX_ANALYSIS, configured_providers={"google"})
    assert {m.provider for m in chain} == {"google"}
    assert chain[0].quality_score >= 8


def test_task_pools() -> None:
    complex_first = choose_models(TaskType.COMPLEX_ANALYSIS, configured_providers=BOTH)[0]
    assert complex_first.quality_score >= 8
    quick_first = choose_models(TaskType.QUICK_RESPONSE, configured_providers=BOTH)[0]
    assert quick_first.speed_score >= 8
    large_first = choose_models(TaskType.LARGE_CONTEXT, configured_providers=BOTH)[0]
    assert large_first.quality_score >= 7


def test_priorities_pick_the_extreme_in_the_pool() -> None:
    pool = [m for m in load_catalog().models if m.provider in BOTH and m.quality_score >= 7]
    cheapest = min(pool, key=lambda m: m.blended_price_per_mtok)
    assert (
        choose_models(TaskType.BALANCED_REASONING, priority="cost", configured_providers=BOTH)[0] == cheapest
    )
    best = choose_models(TaskType.BALANCED_REASONING, priority=Priority.QUALITY, configured_providers=BOTH)[0]
    assert best.quality_score == max(m.quality_score for m in pool)
    fastest = choose_models(TaskType.BALANCED_REASONING, priority=Priority.SPEED, configured_providers=BOTH)[
        0
    ]
    assert fastest.speed_score == max(m.speed_score for m in pool)


def test_context_that_does_not_fit_is_excluded() -> None:
    chain = choose_models(TaskType.LARGE_CONTEXT, context_tokens=500_000, configured_providers=BOTH)
    assert chain
    assert all(m.context_window >= 500_000 for m in chain)
    assert "claude-haiku-4-5" not in keys(chain)


def test_context_too_large_for_everything() -> None:
    with pytest.raises(PayloadTooLarge, match="largest configured context window"):
        choose_models(TaskType.LARGE_CONTEXT, context_tokens=5_000_000, configured_providers=BOTH)


def test_long_context_price_tier_counts_in_cost_ranking() -> None:
    small = choose_models(
        TaskType.LARGE_CONTEXT, priority="cost", context_tokens=1_000, configured_providers={"google"}
    )
    big = choose_models(
        TaskType.LARGE_CONTEXT, priority="cost", context_tokens=300_000, configured_providers={"google"}
    )
    assert keys(small).index("gemini-2.5-pro") <= keys(big).index("gemini-2.5-pro")


def test_preferred_model_goes_first_when_it_qualifies() -> None:
    chain = choose_models(TaskType.QUICK_RESPONSE, preferred="claude-opus-4-6", configured_providers=BOTH)
    assert chain[0].key == "claude-opus-4-6"
    assert chain[1].provider == "google"
    assert keys(chain).count("claude-opus-4-6") == 1


def test_preferred_model_is_ignored_when_it_cannot_serve() -> None:
    not_configured = choose_models(
        TaskType.QUICK_RESPONSE, preferred="claude-opus-4-6", configured_providers={"google"}
    )
    assert "claude-opus-4-6" not in keys(not_configured)
    too_small = choose_models(
        TaskType.LARGE_CONTEXT,
        preferred="claude-haiku-4-5",
        context_tokens=400_000,
        configured_providers=BOTH,
    )
    assert too_small[0].key != "claude-haiku-4-5"


def test_unknown_preferred_model_is_a_bad_request() -> None:
    with pytest.raises(UnknownModel):
        choose_models(TaskType.QUICK_RESPONSE, preferred="gpt-9", configured_providers=BOTH)


def test_invalid_enums_are_bad_requests() -> None:
    with pytest.raises(BadRequest):
        choose_models("telepathy", configured_providers=BOTH)
    with pytest.raises(BadRequest):
        choose_models(TaskType.QUICK_RESPONSE, priority="cheapest", configured_providers=BOTH)


def test_images_need_an_image_model(monkeypatch: pytest.MonkeyPatch) -> None:
    base = load_catalog()
    text_only = base.get("claude-haiku-4-5").model_copy(update={"modalities": ("text",)})
    models = tuple(text_only if m.key == text_only.key else m for m in base.models)
    catalog = Catalog.model_validate(base.model_dump() | {"models": [m.model_dump() for m in models]})
    monkeypatch.setattr(model_choice, "load_catalog", lambda: catalog)
    chain = choose_models(TaskType.MULTIMODAL, has_images=True, configured_providers=BOTH)
    assert "claude-haiku-4-5" not in keys(chain)
    assert all(m.supports_images for m in chain)
    only_text = Catalog.model_validate(
        base.model_dump() | {"models": [m.model_dump() | {"modalities": ("text",)} for m in base.models]}
    )
    monkeypatch.setattr(model_choice, "load_catalog", lambda: only_text)
    with pytest.raises(model_choice.NoModelAvailable, match="images"):
        choose_models(TaskType.MULTIMODAL, has_images=True, configured_providers=BOTH)


@pytest.mark.parametrize(
    ("text", "attachments", "expected"),
    [
        ("이 사진 설명해줘", ["photo.jpg"], TaskType.MULTIMODAL),
        ("안녕하세요!", [], TaskType.QUICK_RESPONSE),
        ("thanks, that helps a lot with the report", [], TaskType.QUICK_RESPONSE),
        ("두 클라우드 아키텍처의 장단점을 비교 분석해줘", [], TaskType.COMPLEX_ANALYSIS),
        (
            "Analyze the trade-offs between event sourcing and CRUD for our billing system.",
            [],
            TaskType.COMPLEX_ANALYSIS,
        ),
        ("가" * 700, [], TaskType.COMPLEX_ANALYSIS),
        (
            "다음 주 팀 회의 안건을 정리할 때 어떤 순서로 쓰면 좋을지 알려줄래요? 참석자는 여덟 명이에요.",
            [],
            TaskType.BALANCED_REASONING,
        ),
        ("요약해줘", ["report.pdf"], TaskType.BALANCED_REASONING),
    ],
)
def test_infer_task_type(text: str, attachments: list[str], expected: TaskType) -> None:
    assert infer_task_type(text, attachments) == expected


def test_infer_large_context() -> None:
    assert infer_task_type("요약해줘", context_tokens=150_000) == TaskType.LARGE_CONTEXT
    assert infer_task_type("word " * 120_000) == TaskType.LARGE_CONTEXT


def test_estimate_tokens() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd" * 10) == 10
    assert estimate_tokens("가나다") == 2


def test_the_deployments_allow_list_limits_the_chain_and_keeps_the_offline_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal.llm import enablement
    from portal.settings import get_settings

    # Given a deployment that offers two models (cdk context models_enabled -> PORTAL_MODELS_ENABLED),
    # one named by its catalog key and one by its provider model id
    models = [m for m in load_catalog().models if m.provider in BOTH]
    allowed = [models[0].key, models[1].model_id]
    monkeypatch.setenv("PORTAL_MODELS_ENABLED", json.dumps(allowed))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)  # no organisation settings: the list alone
    get_settings.cache_clear()
    enablement.forget()
    try:
        # Then the model choice offers only those, and the catalog API's reason names the deployment
        chain = choose_models(TaskType.BALANCED_REASONING, configured_providers=BOTH)
        assert {m.key for m in chain} <= {models[0].key, models[1].key}
        assert enablement.current().why_not(models[2]) == "model_not_deployed"
        # And the offline fallback stays allowed (it is the no-key answer and costs nothing)
        assert keys(choose_models(TaskType.BALANCED_REASONING, configured_providers=set())) == ["offline"]
    finally:
        get_settings.cache_clear()
