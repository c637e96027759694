"""Who is asking, read once per turn: the user's row, role and saved preferences.

The graphs and workers get this object from the runner (via their ``Context``) instead of
reading the users table themselves. The chat branch owns what this carries (model
preference, priority and profile summary from the settings screen); this is the minimal
version the graphs need: the same fields, read from ``users`` as the workers did before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.db.executor import Executor
from portal.db.repositories import users
from portal.db.repositories.users import User
from portal.llm.catalog import all_models

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
    profile_summary: str | None
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


def user_context(user: User | None, *, empno: str) -> UserContext:
    """The context of a user row (or of an unknown employee number: no role, defaults)."""
    prefs: dict[str, Any] = dict(user.preferences) if user else {}
    profile = user.profile_data if user else {}
    summary = profile.get("summary") if isinstance(profile, dict) else None
    language = prefs.get("language")
    priority = prefs.get("priority")
    return UserContext(
        user_id=empno,
        is_admin=bool(user and user.is_admin),
        department=user.department if user else None,
        language=language if language in ("ko", "en") else "ko",
        model_preference=known_model(prefs.get("model")),
        priority=priority if isinstance(priority, str) and priority else DEFAULT_PRIORITY,
        profile_summary=summary if isinstance(summary, str) and summary.strip() else None,
        account=user,
    )


def load_user_context(db: Executor, *, empno: str) -> UserContext:
    """Read the user once for the turn (one query)."""
    return user_context(users.get(db, empno=empno), empno=empno)
