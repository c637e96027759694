"""Usage and cost for administrators, summed from the messages table (db/repositories/usage.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from portal.api.deps import AdminUser, Db
from portal.api.usage_window import window
from portal.db.repositories import usage
from portal.db.repositories.usage import AgentLatency, GroupBy, Spender, UsageFilter, UsageGroup, UsageTotals

router = APIRouter(prefix="/admin/usage", tags=["admin"])


class UsageOverview(BaseModel):
    start: date
    end: date  # inclusive
    totals: UsageTotals
    by_day: list[UsageGroup]
    by_user: list[UsageGroup]
    by_department: list[UsageGroup]
    by_agent: list[UsageGroup]
    by_model: list[UsageGroup]
    top_spenders: list[Spender]
    latency: list[AgentLatency]


def _filter(
    start: date | None,
    end: date | None,
    empno: str | None,
    department: str | None,
    agent: str | None,
    model: str | None,
) -> UsageFilter:
    first, stop = window(start, end)
    return UsageFilter(first, stop, empno=empno, department=department, agent=agent, model=model)


@router.get("", response_model=UsageOverview)
def overview(
    admin: AdminUser,
    db: Db,
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
    empno: str | None = Query(None, max_length=20),
    department: str | None = Query(None, max_length=100),
    agent: str | None = Query(None, max_length=50),
    model: str | None = Query(None, max_length=50),
    top: int = Query(10, ge=1, le=100),
) -> UsageOverview:
    """Totals, each breakdown, the top spenders and p50/p95 latency per agent for the window."""
    f = _filter(start, end, empno, department, agent, model)
    return UsageOverview(
        start=f.start,
        end=f.end - timedelta(days=1),
        totals=usage.totals(db, f),
        by_day=usage.grouped(db, f, "day"),
        by_user=usage.grouped(db, f, "user"),
        by_department=usage.grouped(db, f, "department"),
        by_agent=usage.grouped(db, f, "agent"),
        by_model=usage.grouped(db, f, "model"),
        top_spenders=usage.top_spenders(db, f, limit=top),
        latency=usage.latency_by_agent(db, f),
    )


CSV_COLUMNS = (
    "group",
    "key",
    "label",
    "turns",
    "answered_turns",
    "cost_usd",
    "input_tokens",
    "output_tokens",
)


@router.get("/export.csv", response_class=Response)
def export_csv(
    admin: AdminUser,
    db: Db,
    group_by: GroupBy = Query("day"),
    start: date | None = Query(None, alias="from"),
    end: date | None = Query(None, alias="to"),
    empno: str | None = Query(None, max_length=20),
    department: str | None = Query(None, max_length=100),
    agent: str | None = Query(None, max_length=50),
    model: str | None = Query(None, max_length=50),
) -> Response:
    """One grouping as CSV (UTF-8 with a BOM, so spreadsheet programs read the Hangul)."""
    f = _filter(start, end, empno, department, agent, model)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for g in usage.grouped(db, f, group_by):
        writer.writerow(
            (
                group_by,
                g.key,
                g.label,
                g.turns,
                g.answered_turns,
                f"{g.cost_usd:.6f}",
                g.input_tokens,
                g.output_tokens,
            )
        )
    name = f"usage-{group_by}-{f.start.isoformat()}-{(f.end - timedelta(days=1)).isoformat()}.csv"
    return Response(
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
