"""Organisation-wide feature switches: agents an administrator turns off for everyone."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from portal.admin.audit import record_admin_change
from portal.agents import org_features
from portal.agents.registry import AGENT_DESCRIPTIONS, ALL_AGENTS
from portal.api.deps import AdminUser, ClientOrigin, Db
from portal.db.repositories import org_settings

router = APIRouter(prefix="/admin/features", tags=["admin"])


class AgentSwitch(BaseModel):
    agent: str
    description: str
    enabled: bool
    switchable: bool  # general always answers


class FeaturesOut(BaseModel):
    agents: list[AgentSwitch]


class FeaturesIn(BaseModel):
    """The whole setting: the agents switched off for everyone (the rest are on)."""

    disabled_agents: list[str] = Field(default=[], max_length=len(ALL_AGENTS))

    @field_validator("disabled_agents")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(ALL_AGENTS))
        if unknown:
            raise ValueError(f"unknown agent: {', '.join(unknown)}")
        fixed = sorted(set(value) & org_features.ALWAYS_ON)
        if fixed:
            raise ValueError(f"cannot be switched off: {', '.join(fixed)}")
        return sorted(set(value))


def _view(disabled: frozenset[str]) -> FeaturesOut:
    return FeaturesOut(
        agents=[
            AgentSwitch(
                agent=a,
                description=AGENT_DESCRIPTIONS[a],
                enabled=a not in disabled,
                switchable=a not in org_features.ALWAYS_ON,
            )
            for a in ALL_AGENTS
        ]
    )


@router.get("", response_model=FeaturesOut)
def get_features(admin: AdminUser, db: Db) -> FeaturesOut:
    return _view(org_features.read(db))


@router.put("", response_model=FeaturesOut)
def put_features(body: FeaturesIn, admin: AdminUser, db: Db, origin: ClientOrigin) -> FeaturesOut:
    """Replace the setting; the change and its before/after are in the activity log."""
    with db.transaction() as tx:
        before = sorted(org_features.read(tx))
        org_settings.put(
            tx, key=org_features.SETTING_KEY, value={"agents": body.disabled_agents}, admin_empno=admin.empno
        )
        record_admin_change(
            tx,
            admin_empno=admin.empno,
            action="admin.features.put",
            resource_type="org_setting",
            target=org_features.SETTING_KEY,
            before={"agents": before},
            after={"agents": body.disabled_agents},
            origin=origin,
        )
    # Not part of any user's cached access (agents.access adds it on every call): forgetting
    # the process's copy is enough for this container; others follow within the TTL.
    org_features.forget()
    return _view(frozenset(body.disabled_agents))
