"""What a turn knows about its user, read once per turn: identity, saved model preference, profile.

The graphs build their Context from this object (portal.agents.graphs); the workers take the
model choice (portal.llm.preference) and the profile summary for their system prompts from it.
The profile is used only while the user allows collecting it (settings: opt-out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.agents.profile import profile_summary
from portal.db.executor import Executor
from portal.db.repositories import preferences, users
from portal.llm.preference import saved_priority


@dataclass(frozen=True)
class UserContext:
    user_id: str
    is_admin: bool
    department: str | None
    language: str  # "ko" or "en": the language the user mostly writes in (ko until known)
    model_preference: dict[str, Any] = field(default_factory=dict)  # {"model": key, "priority": ...}
    priority: str = "balanced"
    profile_summary: str | None = None  # for system prompts; None when opted out or nothing known
    name: str = ""
    company: str | None = None
    profile_collection: bool = True


def load_user_context(db: Executor, *, empno: str) -> UserContext:
    """The turn's user (two reads: the user row and their saved preferences)."""
    user = users.get(db, empno=empno)
    prefs = preferences.get(db, empno=empno)
    profile = user.profile_data if user is not None else {}
    collect = prefs.profile_collection
    return UserContext(
        user_id=empno,
        is_admin=user.is_admin if user is not None else False,
        department=user.department if user is not None else None,
        language=str(profile.get("language") or "ko"),
        model_preference=dict(prefs.model_preference),
        priority=saved_priority(prefs.model_preference).value,
        profile_summary=profile_summary(profile) if collect else None,
        name=user.name_ko if user is not None else empno,
        company=user.company if user is not None else None,
        profile_collection=collect,
    )
