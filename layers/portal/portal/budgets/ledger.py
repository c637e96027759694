"""Budget limits and the atomic monthly spend counter, in PostgreSQL.

Where the counter lives, and why PostgreSQL (not DynamoDB):

- The limits, the users' departments and the messages that record every call's cost (the
  system of record the usage reports sum) are all in PostgreSQL. Reserving against the user's
  AND the department's budget must be all-or-nothing; one PostgreSQL transaction does it
  with two conditional UPDATEs, where DynamoDB would need a TransactWriteItems and a copy of
  the limits kept in step with the admin's changes.
- ``UPDATE ... SET reserved = reserved + :amount WHERE spent + reserved + :amount <= :limit``
  (``portal.db.repositories.budget_spend.try_reserve``) is atomic under concurrency: the row lock serialises the writers, and under READ COMMITTED
  a writer that waited re-checks the WHERE clause against the row as the other one left it,
  so two calls can never both take the last dollar. Rows are always locked user first, then
  department, so two transactions never wait on each other in a cycle.
- An admin raising a limit is one row update the very next reservation reads: no cache.

The price is one short transaction (4-5 Data API statements, tens of milliseconds) before a
model call that takes seconds.

A call reserves its estimate (``portal.budgets.estimate``, an upper bound) and, when it ends,
settles: the reservation is released and the actual cost added to ``spent_usd``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from portal.budgets.errors import BudgetExceeded, Scope, exceeded_message, too_little_left_message
from portal.db.executor import Executor
from portal.db.repositories import budget_spend
from portal.settings import get_settings

DEFAULT_SUBJECT = "*"  # the budgets row that is the default of its scope
State = Literal["ok", "warning", "exceeded"]


@dataclass(frozen=True)
class Limit:
    """The limit that applies to one subject: its own row, else its scope's default, else none."""

    scope: Scope
    subject: str
    monthly_limit_usd: float | None  # None: no limit
    warn_ratio: float
    overridden: bool  # the subject has its own row (not the scope's default)


@dataclass(frozen=True)
class Standing:
    """A subject's limit and this month's spend."""

    limit: Limit
    spent_usd: float
    reserved_usd: float

    @property
    def used_usd(self) -> float:
        return self.spent_usd + self.reserved_usd

    @property
    def state(self) -> State:
        cap = self.limit.monthly_limit_usd
        if cap is None:
            return "ok"
        if self.used_usd >= cap:
            return "exceeded"
        return "warning" if self.used_usd >= cap * self.limit.warn_ratio else "ok"


@dataclass(frozen=True)
class Reservation:
    """Money set aside for one model call, released when the call settles."""

    month: date
    amount_usd: float
    subjects: tuple[tuple[Scope, str], ...]  # (scope, subject) rows reserved on, in lock order
    standings: tuple[Standing, ...]  # right after reserving (for the soft warning)


def current_month(now: datetime | None = None) -> date:
    """The budget month (UTC): the first day of the month."""
    moment = now or datetime.now(UTC)
    return moment.date().replace(day=1)


def limit_for(db: Executor, *, scope: Scope, subject: str) -> Limit:
    """The subject's own limit if it has one, else its scope's default, else no limit."""
    row = budget_spend.limit_row(db, scope=scope, subject=subject, default_subject=DEFAULT_SUBJECT)
    if row is None:
        return Limit(scope, subject, None, get_settings().budget_warn_ratio, overridden=False)
    cap = row["monthly_limit_usd"]
    return Limit(
        scope,
        subject,
        None if cap is None else float(cap),
        float(row["warn_ratio"]),
        overridden=row["subject"] == subject and subject != DEFAULT_SUBJECT,
    )


def _subjects(empno: str, department: str | None) -> list[tuple[Scope, str]]:
    pairs: list[tuple[Scope, str]] = [("user", empno)]
    if department:
        pairs.append(("department", department))
    return pairs


def spend(db: Executor, *, scope: Scope, subject: str, month: date | None = None) -> tuple[float, float]:
    """(spent, reserved) USD of the subject in the month."""
    return budget_spend.get(db, scope=scope, subject=subject, month=month or current_month())


def standing(db: Executor, *, scope: Scope, subject: str, month: date | None = None) -> Standing:
    spent, reserved = spend(db, scope=scope, subject=subject, month=month)
    return Standing(limit_for(db, scope=scope, subject=subject), spent, reserved)


def standings(db: Executor, *, empno: str, department: str | None) -> list[Standing]:
    """The user's and (if any) their department's standing this month."""
    return [standing(db, scope=s, subject=x) for s, x in _subjects(empno, department)]


def refuse_if_exceeded(
    db: Executor, *, empno: str, department: str | None, floor_usd: float = 0.0
) -> list[Standing]:
    """Raise BudgetExceeded when the user's or department's budget is used up, or what is left
    of it is under ``floor_usd`` (the least the turn's answer call will reserve); turn start."""
    found = standings(db, empno=empno, department=department)
    for st in found:
        cap = st.limit.monthly_limit_usd
        if cap is None:
            continue
        if st.state == "exceeded":
            raise _exceeded(st.limit, st.used_usd)
        if st.used_usd + floor_usd > cap:
            left = cap - st.used_usd
            raise BudgetExceeded(
                too_little_left_message(st.limit.scope, st.limit.subject, cap, left, floor_usd),
                scope=st.limit.scope,
                monthly_limit_usd=cap,
                spent_usd=round(st.used_usd, 6),
                turn_floor_usd=round(floor_usd, 6),
            )
    return found


def _exceeded(limit: Limit, used_usd: float) -> BudgetExceeded:
    cap = limit.monthly_limit_usd or 0.0
    return BudgetExceeded(
        exceeded_message(limit.scope, limit.subject, cap),
        scope=limit.scope,
        monthly_limit_usd=cap,
        spent_usd=round(used_usd, 6),
    )


def reserve(db: Executor, *, empno: str, department: str | None, amount_usd: float) -> Reservation:
    """Set ``amount_usd`` aside on the user's and department's counters, or raise BudgetExceeded.

    All or nothing: when the department refuses, the user's reservation rolls back with it.
    """
    month = current_month()
    pairs = _subjects(empno, department)
    taken: list[Standing] = []
    with db.transaction() as tx:
        for scope, subject in pairs:
            limit = limit_for(tx, scope=scope, subject=subject)
            row = budget_spend.try_reserve(
                tx,
                scope=scope,
                subject=subject,
                month=month,
                amount_usd=amount_usd,
                cap_usd=limit.monthly_limit_usd,
            )
            if row is None:
                spent, reserved = spend(tx, scope=scope, subject=subject, month=month)
                # Raising inside the block rolls back what was reserved on earlier rows.
                raise _exceeded(limit, spent + reserved)
            taken.append(Standing(limit, *row))
    return Reservation(month, amount_usd, tuple(pairs), tuple(taken))


def settle(db: Executor, reservation: Reservation, *, actual_usd: float) -> None:
    """Release the reservation and count what the call actually cost (may exceed the estimate)."""
    with db.transaction() as tx:
        for scope, subject in reservation.subjects:
            budget_spend.settle(
                tx,
                scope=scope,
                subject=subject,
                month=reservation.month,
                reserved_usd=reservation.amount_usd,
                actual_usd=max(actual_usd, 0.0),
            )
