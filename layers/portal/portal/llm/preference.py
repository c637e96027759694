"""The user's saved model preference in the model choice.

`PUT /api/me/preferences` saves a default model and a priority (cost, speed, quality,
balanced). They apply to every turn unless the message names a model itself: an explicit
choice on the message wins over the saved default, and a saved model that left the catalog
(retired) is ignored rather than failing the turn.
"""

from __future__ import annotations

from typing import Any

from portal.llm.catalog import all_models
from portal.llm.model_choice import Priority


def saved_model(model_preference: dict[str, Any]) -> str | None:
    """The saved default model when it is still in the catalog."""
    key = model_preference.get("model")
    return key if isinstance(key, str) and any(m.key == key for m in all_models()) else None


def saved_priority(model_preference: dict[str, Any]) -> Priority:
    """The saved priority; balanced when none (or an unknown one) is saved."""
    try:
        return Priority(str(model_preference.get("priority") or Priority.BALANCED))
    except ValueError:
        return Priority.BALANCED
