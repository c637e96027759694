"""The model lineup as validated data (catalog.json): ids, limits, prices, scores."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveInt, model_validator

from portal.errors import BadRequest

CATALOG_PATH = Path(__file__).with_name("catalog.json")
OFFLINE = "offline"
Provider = Literal["anthropic", "google", "offline"]
Modality = Literal["text", "image", "audio", "video", "pdf"]
_TOKENS_PER_PRICE_UNIT = 1_000_000
# Typical chat traffic reads ~3 tokens per token it writes; used to rank models by one price.
_BLEND_INPUT_SHARE = 0.75


class UnknownModel(BadRequest):
    """A model key that is not in the catalog."""

    code = "unknown_model"


class TokenUsage(Protocol):
    # Read-only: frozen dataclasses such as llm.base.Usage satisfy it.
    @property
    def input_tokens(self) -> int: ...

    @property
    def output_tokens(self) -> int: ...


class LongContextPrice(BaseModel):
    """Tier billed for the whole request once its input exceeds ``threshold_tokens``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold_tokens: PositiveInt
    input_price_per_mtok: NonNegativeFloat
    output_price_per_mtok: NonNegativeFloat


class CatalogModel(BaseModel):
    """One model a provider serves, with what routing and billing need to know."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    provider: Provider
    model_id: str = Field(min_length=1)  # the provider's API id
    bedrock_model_id: str | None = None  # inference profile used from ap-northeast-2
    display_name: str
    context_window: PositiveInt
    max_output_tokens: PositiveInt
    input_price_per_mtok: NonNegativeFloat
    output_price_per_mtok: NonNegativeFloat
    long_context: LongContextPrice | None = None
    speed_score: int = Field(ge=1, le=10)
    quality_score: int = Field(ge=1, le=10)
    modalities: tuple[Modality, ...]
    tags: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> CatalogModel:
        if "text" not in self.modalities:
            raise ValueError(f"{self.key}: every chat model must accept text")
        if self.max_output_tokens > self.context_window:
            raise ValueError(f"{self.key}: max_output_tokens exceeds context_window")
        if self.bedrock_model_id and self.provider != "anthropic":
            raise ValueError(f"{self.key}: only Claude models have a Bedrock id")
        if self.provider == OFFLINE and (self.input_price_per_mtok or self.output_price_per_mtok):
            raise ValueError(f"{self.key}: the offline model is free")
        if self.long_context and self.long_context.threshold_tokens >= self.context_window:
            raise ValueError(f"{self.key}: long_context threshold beyond the context window")
        return self

    @property
    def supports_images(self) -> bool:
        return "image" in self.modalities

    @property
    def is_offline(self) -> bool:
        return self.provider == OFFLINE

    @property
    def blended_price_per_mtok(self) -> float:
        """One USD/Mtok figure (3:1 input:output) for ranking models by cost."""
        return (
            _BLEND_INPUT_SHARE * self.input_price_per_mtok
            + (1 - _BLEND_INPUT_SHARE) * self.output_price_per_mtok
        )

    def prices_for(self, input_tokens: int) -> tuple[float, float]:
        """(input, output) USD per million tokens for a request of this size."""
        tier = self.long_context
        if tier and input_tokens > tier.threshold_tokens:
            return tier.input_price_per_mtok, tier.output_price_per_mtok
        return self.input_price_per_mtok, self.output_price_per_mtok


class Catalog(BaseModel):
    """The whole lineup; keys are unique and there is exactly one offline model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: PositiveInt
    updated: str
    currency: Literal["USD"] = "USD"
    notes: tuple[str, ...] = ()
    default_model: str
    models: tuple[CatalogModel, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        keys = [m.key for m in self.models]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate model keys: {', '.join(duplicates)}")
        if sum(m.is_offline for m in self.models) != 1:
            raise ValueError("the catalog needs exactly one offline model")
        default = next((m for m in self.models if m.key == self.default_model), None)
        if default is None or default.is_offline:
            raise ValueError(f"default_model {self.default_model!r} must be a real catalog model")
        missing = [m.key for m in self.models if m.provider == "anthropic" and not m.bedrock_model_id]
        if missing:
            raise ValueError(f"Claude models without a Bedrock id: {', '.join(missing)}")
        return self

    def get(self, key: str) -> CatalogModel:
        """The model with this key; UnknownModel (a BadRequest) otherwise."""
        for model in self.models:
            if model.key == key:
                return model
        raise UnknownModel(
            f"unknown model {key!r}; available: {', '.join(m.key for m in self.models)}",
            model=key,
        )

    @property
    def offline(self) -> CatalogModel:
        return next(m for m in self.models if m.is_offline)


def _parse(path: Path) -> Catalog:
    return Catalog.model_validate_json(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _packaged() -> Catalog:
    return _parse(CATALOG_PATH)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """The packaged catalog, parsed and validated once; another path is parsed each call."""
    if path is None or Path(path) == CATALOG_PATH:
        return _packaged()
    return _parse(Path(path))


def get_model(key: str) -> CatalogModel:
    """Look a model up by our key; raises UnknownModel (HTTP 400) for a key we don't serve."""
    return load_catalog().get(key)


def all_models() -> tuple[CatalogModel, ...]:
    return load_catalog().models


def cost_usd(model: CatalogModel | str, usage: TokenUsage) -> float:
    """List-price cost of one call from its token usage."""
    spec = get_model(model) if isinstance(model, str) else model
    input_price, output_price = spec.prices_for(usage.input_tokens)
    return (usage.input_tokens * input_price + usage.output_tokens * output_price) / _TOKENS_PER_PRICE_UNIT


def available_models(configured_providers: Collection[str]) -> list[CatalogModel]:
    """Models whose provider is configured, catalog order.

    The offline model is included when "offline" is listed or when no configured provider
    serves any model, so a deployment without keys still answers (locally).
    """
    catalog = load_catalog()
    real = [m for m in catalog.models if not m.is_offline and m.provider in configured_providers]
    if OFFLINE in configured_providers or not real:
        return [*real, catalog.offline]
    return real
