"""The model catalog: packaged data is valid, lookups are typed, costs use list prices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portal.errors import BadRequest
from portal.llm.base import Usage
from portal.llm.catalog import (
    CATALOG_PATH,
    UnknownModel,
    available_models,
    cost_usd,
    get_model,
    load_catalog,
)
from pydantic import ValidationError


def test_lineup_is_four_claude_four_gemini_and_offline() -> None:
    catalog = load_catalog()
    providers = [m.provider for m in catalog.models]
    assert providers.count("anthropic") == 4
    assert providers.count("google") == 4
    assert providers.count("offline") == 1
    assert len({m.key for m in catalog.models}) == len(catalog.models)
    assert get_model(catalog.default_model).provider != "offline"


def test_load_is_cached() -> None:
    assert load_catalog() is load_catalog()
    assert load_catalog(CATALOG_PATH) is load_catalog()


def test_claude_models_have_seoul_inference_profiles() -> None:
    for model in load_catalog().models:
        if model.provider == "anthropic":
            assert model.bedrock_model_id is not None
            assert model.bedrock_model_id.startswith(("apac.anthropic.claude-", "global.anthropic.claude-"))
            assert model.model_id.startswith("claude-")
        else:
            assert model.bedrock_model_id is None


def test_model_fields_are_sane() -> None:
    for model in load_catalog().models:
        assert "text" in model.modalities
        assert model.max_output_tokens <= model.context_window
        assert 1 <= model.speed_score <= 10 and 1 <= model.quality_score <= 10
        if model.provider == "offline":
            assert model.input_price_per_mtok == model.output_price_per_mtok == 0
        else:
            assert 0 < model.input_price_per_mtok < model.output_price_per_mtok
            assert model.context_window >= 200_000


def test_unknown_model_is_a_typed_bad_request() -> None:
    with pytest.raises(UnknownModel) as info:
        get_model("gpt-9")
    assert isinstance(info.value, BadRequest)
    assert info.value.status_code == 400
    assert "gpt-9" in info.value.message
    assert "claude-sonnet-4-6" in info.value.message  # lists what is available


def test_cost_uses_per_million_list_prices() -> None:
    sonnet = get_model("claude-sonnet-4-6")
    assert cost_usd(sonnet, Usage(1_000_000, 1_000_000)) == pytest.approx(3.0 + 15.0)
    assert cost_usd("claude-haiku-4-5", Usage(2_000, 500)) == pytest.approx((2_000 * 1.0 + 500 * 5.0) / 1e6)
    assert cost_usd("offline", Usage(10_000, 10_000)) == 0.0


def test_long_context_tier_prices_the_whole_request() -> None:
    pro = get_model("gemini-2.5-pro")
    assert pro.long_context is not None
    short = cost_usd(pro, Usage(200_000, 1_000))
    long = cost_usd(pro, Usage(200_001, 1_000))
    assert short == pytest.approx((200_000 * 1.25 + 1_000 * 10.0) / 1e6)
    assert long == pytest.approx((200_001 * 2.5 + 1_000 * 15.0) / 1e6)


def test_available_models_by_provider() -> None:
    claude = available_models({"anthropic"})
    assert claude and all(m.provider == "anthropic" for m in claude)
    assert [m.key for m in available_models(set())] == ["offline"]
    with_offline = available_models({"google", "offline"})
    assert with_offline[-1].key == "offline"
    assert {m.provider for m in with_offline[:-1]} == {"google"}
    assert [m.key for m in available_models({"mistral"})] == ["offline"]


def _write(tmp_path: Path, mutate) -> Path:
    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["models"].append(dict(d["models"][0])), "duplicate model keys"),
        (lambda d: d["models"][-1].update(input_price_per_mtok=1.0), "offline model is free"),
        (lambda d: d["models"][0].pop("bedrock_model_id"), "without a Bedrock id"),
        (lambda d: d.update(default_model="nope"), "default_model"),
        (lambda d: d["models"][0].update(speed_score=11), "speed_score"),
        (lambda d: d["models"][0].update(modalities=["image"]), "must accept text"),
        (lambda d: d["models"][0].update(provider="openai"), "provider"),
    ],
)
def test_invalid_catalogs_are_rejected(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        load_catalog(_write(tmp_path, mutate))
