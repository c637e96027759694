"""The seed's user_feature_preferences: feature switches, model preference, UI settings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


class FeaturePreferences(BaseModel):
    enable_deep_research: bool = True
    enable_web_search: bool = True
    enable_canvas_mode: bool = True
    enable_file_processing: bool = True
    model_preference: dict[str, Any] = {}  # {"model": key, "priority": ...}
    ui_preferences: dict[str, Any] = {}  # {"profile_collection": bool, ...}

    @property
    def profile_collection(self) -> bool:
        """Profile signals are collected unless the user opted out."""
        return bool(self.ui_preferences.get("profile_collection", True))


_COLUMNS = (
    "enable_deep_research, enable_web_search, enable_canvas_mode, enable_file_processing,"
    " model_preference, ui_preferences"
)


def get(db: Executor, *, empno: str) -> FeaturePreferences:
    """The user's preferences (defaults when never saved)."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM user_feature_preferences WHERE empno = :empno", {"empno": empno}
    )
    return FeaturePreferences.model_validate(row) if row else FeaturePreferences()


def save(db: Executor, *, empno: str, prefs: FeaturePreferences) -> FeaturePreferences:
    """Insert or replace the user's preferences."""
    row = db.fetch_one(
        f"""
        INSERT INTO user_feature_preferences (empno, {_COLUMNS}, updated_at)
        VALUES (:empno, :enable_deep_research, :enable_web_search, :enable_canvas_mode, :enable_file_processing,
                :model_preference::jsonb, :ui_preferences::jsonb, NOW())
        ON CONFLICT (empno) DO UPDATE SET
            enable_deep_research = EXCLUDED.enable_deep_research, enable_web_search = EXCLUDED.enable_web_search,
            enable_canvas_mode = EXCLUDED.enable_canvas_mode, enable_file_processing = EXCLUDED.enable_file_processing,
            model_preference = EXCLUDED.model_preference, ui_preferences = EXCLUDED.ui_preferences, updated_at = NOW()
        RETURNING {_COLUMNS}
        """,
        {"empno": empno, **prefs.model_dump()},
    )
    assert row is not None
    return FeaturePreferences.model_validate(row)
