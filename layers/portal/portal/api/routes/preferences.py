"""The signed-in user's feature switches, model preference, and which agents they can use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from portal.agents.access import RESTRICTED_AGENTS, agent_access, forget_access
from portal.agents.availability import unavailable_agents
from portal.agents.registry import AGENT_DESCRIPTIONS, ALL_AGENTS
from portal.api.deps import CurrentUser, Db
from portal.db.repositories import preferences
from portal.db.repositories.preferences import FeaturePreferences
from portal.llm.model_choice import Priority

router = APIRouter(prefix="/me", tags=["me"])


class PreferencesUpdate(BaseModel):
    """Fields to change; anything omitted keeps its value."""

    enable_deep_research: bool | None = None
    enable_web_search: bool | None = None
    enable_canvas_mode: bool | None = None
    enable_file_processing: bool | None = None
    model: str | None = Field(default=None, max_length=100)  # a catalog key, "" clears it
    priority: Priority | None = None
    profile_collection: bool | None = None  # opt out of profile signals with false


@router.get("/preferences", response_model=FeaturePreferences)
def get_preferences(user: CurrentUser, db: Db) -> FeaturePreferences:
    return preferences.get(db, empno=user.empno)


@router.put("/preferences", response_model=FeaturePreferences)
def update_preferences(body: PreferencesUpdate, user: CurrentUser, db: Db) -> FeaturePreferences:
    """Change feature switches and model preference; an unknown model is 400 and saves nothing."""
    current = preferences.get(db, empno=user.empno)
    changes: dict[str, Any] = body.model_dump(
        include={"enable_deep_research", "enable_web_search", "enable_canvas_mode", "enable_file_processing"},
        exclude_none=True,
    )
    model_pref = dict(current.model_preference)
    if body.model is not None:
        if body.model:
            from portal.llm.catalog import get_model

            get_model(body.model)  # raises 400 for keys not in the catalog
            model_pref["model"] = body.model
        else:
            model_pref.pop("model", None)
    if body.priority is not None:
        model_pref["priority"] = body.priority.value
    ui = dict(current.ui_preferences)
    if body.profile_collection is not None:
        ui["profile_collection"] = body.profile_collection
    saved = preferences.save(
        db,
        empno=user.empno,
        prefs=current.model_copy(update={**changes, "model_preference": model_pref, "ui_preferences": ui}),
    )
    forget_access(user.empno)
    return saved


@router.get("/agents")
def my_agents(user: CurrentUser, db: Db) -> dict[str, Any]:
    """Every agent, whether this user can use it now, and why not."""
    access = agent_access(db, user)
    missing = unavailable_agents()
    items = []
    for agent in ALL_AGENTS:
        reason = None
        if agent in access.disabled_by_admin:
            reason = "disabled_by_admin"
        elif agent not in access.granted:
            reason = "no_permission"
        elif agent in access.switched_off:
            reason = "switched_off"
        elif agent in missing:
            reason = "not_configured"
        items.append(
            {
                "agent": agent,
                "description": AGENT_DESCRIPTIONS[agent],
                "restricted": agent in RESTRICTED_AGENTS,
                "usable": reason is None,
                "reason": reason,
            }
        )
    return {"agents": items}
