"""Organisation-wide settings (org_settings): one JSON value per key, changed by administrators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


class OrgSetting(BaseModel):
    key: str
    value: dict[str, Any]
    updated_by: str | None = None
    updated_at: datetime | None = None


def get(db: Executor, *, key: str) -> OrgSetting | None:
    row = db.fetch_one(
        "SELECT key, value, updated_by, updated_at FROM org_settings WHERE key = :key", {"key": key}
    )
    return OrgSetting.model_validate(row) if row else None


def put(db: Executor, *, key: str, value: dict[str, Any], admin_empno: str) -> OrgSetting:
    """Create or replace the setting (one statement: a concurrent writer sees one whole value)."""
    row = db.fetch_one(
        """
        INSERT INTO org_settings (key, value, updated_by)
        VALUES (:key, :value::jsonb, :admin)
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,
                                        updated_at = NOW()
        RETURNING key, value, updated_by, updated_at
        """,
        {"key": key, "value": value, "admin": admin_empno},
    )
    assert row is not None
    return OrgSetting.model_validate(row)
