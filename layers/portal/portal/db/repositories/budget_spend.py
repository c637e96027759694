"""The monthly spend counters (``budget_spend``) and the limit lookup the ledger reserves against.

The rules (what is reserved, when, and why the counter lives in PostgreSQL) are in
``portal.budgets.ledger``; this module only holds its SQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.budgets.errors import Scope
from portal.db.executor import Executor


def limit_row(db: Executor, *, scope: Scope, subject: str, default_subject: str) -> dict[str, Any] | None:
    """The subject's own budgets row if it has one, else its scope's default row, else None."""
    return db.fetch_one(
        """
        SELECT subject, monthly_limit_usd, warn_ratio FROM budgets
        WHERE scope = :scope AND subject IN (:subject, :default)
        ORDER BY (subject = :default) LIMIT 1
        """,
        {"scope": scope, "subject": subject, "default": default_subject},
    )


def get(db: Executor, *, scope: Scope, subject: str, month: date) -> tuple[float, float]:
    """(spent, reserved) USD of the subject in the month; zeros when nothing was counted yet."""
    row = db.fetch_one(
        """
        SELECT spent_usd, reserved_usd FROM budget_spend
        WHERE scope = :scope AND subject = :subject AND month = :month::date
        """,
        {"scope": scope, "subject": subject, "month": month.isoformat()},
    )
    return (float(row["spent_usd"]), float(row["reserved_usd"])) if row else (0.0, 0.0)


def try_reserve(
    tx: Executor, *, scope: Scope, subject: str, month: date, amount_usd: float, cap_usd: float | None
) -> tuple[float, float] | None:
    """Add ``amount_usd`` to the reserved sum unless it would pass ``cap_usd``: (spent, reserved) or None.

    The conditional UPDATE is the atomic step: the row lock serialises writers and a writer
    that waited re-checks the WHERE clause against the row as the other one left it.
    """
    params = {"scope": scope, "subject": subject, "month": month.isoformat()}
    tx.execute(
        """
        INSERT INTO budget_spend (scope, subject, month) VALUES (:scope, :subject, :month::date)
        ON CONFLICT (scope, subject, month) DO NOTHING
        """,
        params,
    )
    row = tx.fetch_one(
        """
        UPDATE budget_spend
        SET reserved_usd = reserved_usd + :amount::numeric, updated_at = NOW()
        WHERE scope = :scope AND subject = :subject AND month = :month::date
          AND (:cap::numeric IS NULL OR spent_usd + reserved_usd + :amount::numeric <= :cap::numeric)
        RETURNING spent_usd, reserved_usd
        """,
        {**params, "amount": amount_usd, "cap": cap_usd},
    )
    return (float(row["spent_usd"]), float(row["reserved_usd"])) if row else None


def settle(
    tx: Executor, *, scope: Scope, subject: str, month: date, reserved_usd: float, actual_usd: float
) -> None:
    """Release a reservation and count what the call actually cost."""
    tx.execute(
        """
        UPDATE budget_spend
        SET reserved_usd = GREATEST(reserved_usd - :amount::numeric, 0),
            spent_usd = spent_usd + :actual::numeric,
            updated_at = NOW()
        WHERE scope = :scope AND subject = :subject AND month = :month::date
        """,
        {
            "scope": scope,
            "subject": subject,
            "month": month.isoformat(),
            "amount": reserved_usd,
            "actual": actual_usd,
        },
    )
