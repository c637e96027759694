"""The time window of a usage request: `from`/`to` days (UTC), this month by default."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from portal.errors import BadRequest

MAX_WINDOW_DAYS = 366


def month_start(today: date | None = None) -> date:
    today = today or datetime.now(UTC).date()
    return today.replace(day=1)


def window(start: date | None, end: date | None) -> tuple[date, date]:
    """[start, end) where `end` is the last day asked for, inclusive, in the request."""
    today = datetime.now(UTC).date()
    first = start or month_start(today)
    last = end or today
    if last < first:
        raise BadRequest("'to' must not be before 'from'")
    if (last - first).days >= MAX_WINDOW_DAYS:
        raise BadRequest(f"A usage window spans at most {MAX_WINDOW_DAYS} days")
    return first, last + timedelta(days=1)
