"""A user's own usage and cost (the settings screen's block), from the messages table."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Query
from pydantic import BaseModel

from portal.api.deps import CurrentUser, Db
from portal.api.usage_window import window
from portal.db.repositories import usage
from portal.db.repositories.usage import UsageFilter, UsageGroup, UsageTotals

router = APIRouter(tags=["me"])


class MyUsage(BaseModel):
    start: date
    end: date  # inclusive
    totals: UsageTotals
    by_day: list[UsageGroup]
    by_agent: list[UsageGroup]
    by_model: list[UsageGroup]


@router.get("/me/usage", response_model=MyUsage)
def my_usage(
    user: CurrentUser,
    db: Db,
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
) -> MyUsage:
    """The caller's turns only (this month by default)."""
    first, stop = window(start, end)
    f = UsageFilter(first, stop, empno=user.empno)
    return MyUsage(
        start=first,
        end=stop - timedelta(days=1),
        totals=usage.totals(db, f),
        by_day=usage.grouped(db, f, "day"),
        by_agent=usage.grouped(db, f, "agent"),
        by_model=usage.grouped(db, f, "model"),
    )
