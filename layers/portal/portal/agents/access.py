"""Which agents a user may use for a turn: permissions (with expiry), feature switches, configuration.

Tier-1 domain agents need a grant in user_agent_permissions (admins have all); general
features are open to everyone but each can be switched off in user_feature_preferences, and
an administrator can switch any agent but general off for the whole organisation
(agents.org_features).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal import services
from portal.agents import org_features
from portal.agents.registry import ALL_AGENTS
from portal.cache.tags import forget_user, user_tag
from portal.db.executor import Executor
from portal.db.repositories import permissions, preferences
from portal.db.repositories.preferences import FeaturePreferences
from portal.db.repositories.users import User
from portal.errors import BadRequest, Forbidden

RESTRICTED_AGENTS = frozenset({"regulations", "legal", "accounting", "tax"})
# Agent -> the feature switch that turns it off.
FEATURE_SWITCH = {
    "web_search": "enable_web_search",
    "deep_research": "enable_deep_research",
    "canvas": "enable_canvas_mode",
    "multimodal_rag": "enable_file_processing",
}
ACCESS_CACHE_SECONDS = 60


class FeatureDisabled(BadRequest):
    code = "feature_disabled"


class AgentDisabled(Forbidden):
    """An agent an administrator switched off for the whole organisation."""

    code = "agent_disabled"


class AgentLocked(Forbidden):
    """A restricted agent the user holds no grant for (the UI shows it locked)."""

    code = "agent_locked"


@dataclass(frozen=True)
class AgentAccess:
    granted: frozenset[str]  # agents the user holds (restricted ones need a grant)
    switched_off: frozenset[str]  # agents whose feature the user turned off
    prefs: FeaturePreferences
    disabled_by_admin: frozenset[str] = frozenset()  # switched off for the whole organisation

    @property
    def usable(self) -> frozenset[str]:
        return self.granted - self.switched_off - self.disabled_by_admin


def access_cache_key(empno: str) -> str:
    return f"access:{empno}"


def agent_access(db: Executor, user: User) -> AgentAccess:
    """The user's agent access, cached briefly (checked on every message); the organisation's
    switches are added on every call (they have their own short cache, shared by all users)."""
    org_off = org_features.disabled_agents(db) - org_features.ALWAYS_ON
    cache = services.cache()
    cached = cache.get(access_cache_key(user.empno))
    if isinstance(cached, dict):
        return AgentAccess(
            frozenset(cached["granted"]),
            frozenset(cached["off"]),
            FeaturePreferences.model_validate(cached["prefs"]),
            org_off,
        )
    prefs = preferences.get(db, empno=user.empno)
    held = set(ALL_AGENTS) if user.is_admin else permissions.active_agents(db, empno=user.empno)
    granted = frozenset(a for a in ALL_AGENTS if a not in RESTRICTED_AGENTS or a in held)
    off = frozenset(a for a, field in FEATURE_SWITCH.items() if not getattr(prefs, field))
    cache.set(
        access_cache_key(user.empno),
        {"granted": sorted(granted), "off": sorted(off), "prefs": prefs.model_dump()},
        ttl=ACCESS_CACHE_SECONDS,
        tags=[user_tag(user.empno)],
    )
    return AgentAccess(granted, off, prefs, org_off)


def forget_access(empno: str) -> None:
    """Drop cached access after a grant, revoke or preference change: the user's tag, so the
    user row cached with it (roles) goes too and every entry built from the user's data is fresh."""
    forget_user(empno)


def check_requested(access: AgentAccess, *, agent: str | None, toggle: str | None) -> None:
    """Refuse an explicit agent or toggle the user may not use (before anything is stored)."""
    for name, what in ((toggle, "feature"), (agent, "agent")):
        if name is None:
            continue
        if name in access.disabled_by_admin:
            raise AgentDisabled(
                "관리자가 조직 전체에서 사용을 중지한 에이전트입니다. 관리자에게 문의해 주세요.",
                agent=name,
                what=what,
            )
        if name not in access.granted:
            raise AgentLocked(
                f"{name} 에이전트는 권한이 있어야 쓸 수 있습니다. 관리자에게 권한을 요청해 주세요.",
                agent=name,
            )
        if name in access.switched_off:
            raise FeatureDisabled(
                f"설정에서 꺼 둔 기능입니다({FEATURE_SWITCH[name]}). 설정에서 켠 뒤 다시 시도해 주세요.",
                agent=name,
                what=what,
            )
