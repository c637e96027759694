"""Who is asking, read once per turn: the user's row, role, saved model preference and profile.

The graphs and workers get this object from the runner (via their ``Context``) instead of
reading the users table themselves. The saved default model and priority come from the
settings screen (`PUT /api/me/preferences`, the user_preferences table; portal.llm.preference
reads them); the profile summary (portal.agents.profile) is used in system prompts only
while the user allows collecting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.agents.profile import profile_summary
from portal.db.executor import Executor
from portal.db.repositories import preferences, users
from portal.db.repositories.preferences import FeaturePreferences
from portal.db.repositories.users import User
from portal.llm.catalog import all_models
from portal.llm.preference import saved_model, saved_priority

DEFAULT_PRIORITY = "balanced"


@dataclass(frozen=True, kw_only=True)
class UserContext:
    """The asking user as the agents see them (immutable for the turn)."""

    user_id: str  # employee number
    is_admin: bool  # operator details (keys, settings, raw errors) are shown to admins only
    department: str | None
    language: str  # "ko" | "en": the UI language the user chose (answers follow the question)
    model_preference: str | None  # a catalog model key still in the catalog, or None
    priority: str  # cost | speed | quality | balanced
    profile_summary: str | None  # None when the user opted out of profile collection, or nothing is known
    profile_collection: bool = True
    # The row itself, for code that acts as the user (the canvas writes artifacts with it);
    # None when the turn's user has no row (never provisioned: tests, deleted users).
    account: User | None = None

    @property
    def name(self) -> str:
        """How prompts address the user: the Korean name, else the employee number."""
        return self.account.name_ko if self.account else self.user_id

    @property
    def company(self) -> str | None:
        return self.account.company if self.account else None

    @property
    def company_code(self) -> str | None:
        return self.account.company_code if self.account else None

    @property
    def preferences(self) -> dict[str, Any]:
        return dict(self.account.preferences) if self.account else {}


def known_model(key: object) -> str | None:
    """A model key that is still in the catalog (saved preferences outlive retired models)."""
    return key if isinstance(key, str) and any(m.key == key for m in all_models()) else None


def user_context(user: User | None, *, empno: str, prefs: FeaturePreferences | None = None) -> UserContext:
    """The context of a user row and their saved preferences (or of an unknown employee number)."""
    ui: dict[str, Any] = dict(user.preferences) if user else {}
    profile = user.profile_data if user else {}
    model_preference = dict(prefs.model_preference) if prefs else {}
    collect = prefs.profile_collection if prefs else True
    language = ui.get("language") or (profile.get("language") if isinstance(profile, dict) else None)
    return UserContext(
        user_id=empno,
        is_admin=bool(user and user.is_admin),
        department=user.department if user else None,
        language=language if language in ("ko", "en") else "ko",
        model_preference=saved_model(model_preference),
        priority=saved_priority(model_preference).value,
        profile_summary=profile_summary(profile) if collect and isinstance(profile, dict) else None,
        profile_collection=collect,
        account=user,
    )


def load_user_context(db: Executor, *, empno: str) -> UserContext:
    """Read the user once for the turn (the user row and their saved preferences)."""
    return user_context(users.get(db, empno=empno), empno=empno, prefs=preferences.get(db, empno=empno))
