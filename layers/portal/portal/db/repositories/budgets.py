"""Budget rows (limits per user/department and their defaults), as administrators set them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from portal.budgets.errors import Scope
from portal.db.executor import Executor


class BudgetRow(BaseModel):
    scope: Scope
    subject: str  # empno, department name, or "*" (the scope's default)
    monthly_limit_usd: float | None
    warn_ratio: float
    updated_by: str | None = None
    updated_at: datetime | None = None


_COLUMNS = "scope, subject, monthly_limit_usd, warn_ratio, updated_by, updated_at"


def get(db: Executor, *, scope: Scope, subject: str) -> BudgetRow | None:
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM budgets WHERE scope = :scope AND subject = :subject",
        {"scope": scope, "subject": subject},
    )
    return BudgetRow.model_validate(row) if row else None


def list_all(db: Executor) -> list[BudgetRow]:
    rows = db.fetch_all(f"SELECT {_COLUMNS} FROM budgets ORDER BY scope, subject")
    return [BudgetRow.model_validate(r) for r in rows]


def put(
    db: Executor,
    *,
    scope: Scope,
    subject: str,
    monthly_limit_usd: float | None,
    warn_ratio: float,
    admin_empno: str,
) -> BudgetRow:
    row = db.fetch_one(
        f"""
        INSERT INTO budgets (scope, subject, monthly_limit_usd, warn_ratio, updated_by)
        VALUES (:scope, :subject, :limit::numeric, :warn::numeric, :admin)
        ON CONFLICT (scope, subject) DO UPDATE SET
            monthly_limit_usd = EXCLUDED.monthly_limit_usd,
            warn_ratio = EXCLUDED.warn_ratio,
            updated_by = EXCLUDED.updated_by,
            updated_at = NOW()
        RETURNING {_COLUMNS}
        """,
        {
            "scope": scope,
            "subject": subject,
            "limit": monthly_limit_usd,
            "warn": warn_ratio,
            "admin": admin_empno,
        },
    )
    assert row is not None  # INSERT ... RETURNING always returns the row
    return BudgetRow.model_validate(row)


def delete(db: Executor, *, scope: Scope, subject: str) -> BudgetRow | None:
    """Remove a subject's own budget (the scope's default applies again); the removed row, if any."""
    row = db.fetch_one(
        f"DELETE FROM budgets WHERE scope = :scope AND subject = :subject RETURNING {_COLUMNS}",
        {"scope": scope, "subject": subject},
    )
    return BudgetRow.model_validate(row) if row else None
