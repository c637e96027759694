"""The model catalog for the UI's dropdown, filtered by what this deployment has configured."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from portal.api.deps import CurrentUser
from portal.llm import catalog
from portal.llm.service import configured_providers

router = APIRouter(tags=["models"])


@router.get("/models")
def list_models(user: CurrentUser) -> dict[str, Any]:
    """Models a user can pick here, and the default one."""
    models = catalog.available_models(configured_providers())
    return {
        "models": [
            m.model_dump(
                include={
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
            )
            for m in models
        ],
        "default": models[0].key if models else None,
    }
