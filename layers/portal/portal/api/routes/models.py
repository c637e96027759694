"""The model catalog for the UI's dropdown: every model, and whether this deployment can use it."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from portal.api.deps import CurrentUser
from portal.llm import catalog, enablement
from portal.llm.catalog import CatalogModel
from portal.llm.service import configured_providers

router = APIRouter(tags=["models"])

CostTier = Literal["low", "medium", "high"]
# Input price per million tokens at or below which a model is in the tier: the catalog's
# flash-lite/flash/haiku sit low, sonnet/pro medium, opus high.
_TIER_LIMITS: tuple[tuple[float, CostTier], ...] = ((1.0, "low"), (3.0, "medium"))
_FIELDS = {
    "key",
    "provider",
    "display_name",
    "context_window",
    "max_output_tokens",
    "modalities",
    "input_price_per_mtok",
    "output_price_per_mtok",
    "speed_score",
    "quality_score",
}


def cost_tier(model: CatalogModel) -> CostTier:
    """A coarse price band the UI can show without quoting dollar figures."""
    return next((tier for limit, tier in _TIER_LIMITS if model.input_price_per_mtok <= limit), "high")


@router.get("/models")
def list_models(user: CurrentUser) -> dict[str, Any]:
    """Models a user can pick here, the default one, and the whole catalog with availability.

    `models` holds the usable ones (what a message may name); `catalog` every real model, with
    `available` false and `unavailable_reason` "provider_not_configured" when this deployment
    has no key (or Bedrock access) for its provider, "provider_disabled_by_admin" or
    "model_disabled_by_admin" when the organisation switched it off, so the UI can say why.
    """
    providers = configured_providers()
    configured = catalog.available_models(providers)
    # Models an administrator switched off are not offered (portal.llm.enablement).
    allowed = enablement.current()
    models = allowed.filter(configured)
    usable = {m.key for m in models}
    reachable = {m.key for m in configured}
    everything = [m for m in catalog.load_catalog().models if not m.is_offline or m.key in reachable]
    return {
        "models": [m.model_dump(include=_FIELDS) for m in models],
        "default": models[0].key if models else None,
        "catalog": [
            {
                **m.model_dump(include=_FIELDS),
                "cost_tier": cost_tier(m),
                "available": m.key in usable,
                "unavailable_reason": None
                if m.key in usable
                else (allowed.why_not(m) or "provider_not_configured"),
            }
            for m in everything
        ],
    }
