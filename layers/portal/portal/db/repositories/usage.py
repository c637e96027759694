"""Usage and cost summed from the messages table, the system of record of every answered turn.

A turn's assistant row carries the turn's totals (tokens, cost in USD, processing time) and, in
metadata.calls, the breakdown per model call (intent, memory summary, answer...). Totals per
user, department, agent and day read the row; totals per model read the breakdown, so a turn
whose intent call ran on a cheap model and whose answer on a dear one counts for both.
Only assistant rows are read: the user's row of a turn carries no cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel

from portal.db.executor import Executor

GroupBy = Literal["day", "user", "department", "agent", "model"]
GROUPS: tuple[GroupBy, ...] = ("day", "user", "department", "agent", "model")

# The SQL expression of each grouping over the `turns` CTE below (fixed strings, never input).
_KEY: dict[str, str] = {
    "day": "to_char(t.day, 'YYYY-MM-DD')",
    "user": "t.empno",
    "department": "COALESCE(t.department, '')",
    "agent": "COALESCE(t.agent_type, '')",
}
_LABEL: dict[str, str] = {
    "day": "to_char(t.day, 'YYYY-MM-DD')",
    "user": "MAX(t.user_name)",
    "department": "COALESCE(t.department, '')",
    "agent": "COALESCE(t.agent_type, '')",
}


@dataclass(frozen=True)
class UsageFilter:
    """A half-open window [start, end) of days (UTC) and optional narrowing by who and what."""

    start: date
    end: date
    empno: str | None = None
    department: str | None = None
    agent: str | None = None
    model: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "empno": self.empno,
            "department": self.department,
            "agent": self.agent,
            "model": self.model,
        }


# Every answered or failed turn in the window. A turn filtered by model is one with a call on it.
_TURNS = """
WITH turns AS (
    SELECT m.id, m.status, m.agent_type, m.model_used, m.metadata,
           COALESCE(m.cost_usd, 0) AS cost_usd,
           COALESCE(m.input_tokens, 0) AS input_tokens, COALESCE(m.output_tokens, 0) AS output_tokens,
           m.processing_time, (m.created_at AT TIME ZONE 'UTC')::date AS day,
           c.user_empno AS empno, u.name_ko AS user_name, u.department
    FROM messages m
    JOIN conversations c ON c.id = m.conversation_id
    JOIN users u ON u.empno = c.user_empno
    WHERE m.role = 'assistant' AND m.status IN ('completed', 'failed')
      AND m.created_at >= ((:start)::date::timestamp AT TIME ZONE 'UTC')
      AND m.created_at < ((:end)::date::timestamp AT TIME ZONE 'UTC')
      AND (CAST(:empno AS text) IS NULL OR c.user_empno = :empno)
      AND (CAST(:department AS text) IS NULL OR u.department = :department)
      AND (CAST(:agent AS text) IS NULL OR m.agent_type = :agent)
      AND (CAST(:model AS text) IS NULL OR m.model_used = :model OR EXISTS (
            SELECT 1 FROM jsonb_array_elements(
                CASE WHEN jsonb_typeof(m.metadata->'calls') = 'array' THEN m.metadata->'calls'
                     ELSE '[]'::jsonb END) AS call
            WHERE call->>'model' = :model))
),
-- One row per model call: the breakdown when the turn recorded one, else the turn as one call.
calls AS (
    SELECT t.id, t.day, call->>'model' AS model,
           COALESCE((call->>'cost_usd')::numeric, 0) AS cost_usd,
           COALESCE((call->>'input_tokens')::int, 0) AS input_tokens,
           COALESCE((call->>'output_tokens')::int, 0) AS output_tokens
    FROM turns t
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(t.metadata->'calls') = 'array' AND jsonb_array_length(t.metadata->'calls') > 0
             THEN t.metadata->'calls'
             ELSE jsonb_build_array(jsonb_build_object(
                 'model', t.model_used, 'cost_usd', t.cost_usd,
                 'input_tokens', t.input_tokens, 'output_tokens', t.output_tokens))
        END) AS call
)
"""


class UsageTotals(BaseModel):
    turns: int
    answered_turns: int
    failed_turns: int
    cost_usd: float
    input_tokens: int
    output_tokens: int
    # The money of all turns (failed ones cost too) over the turns that gave an answer.
    cost_per_answered_turn: float | None


class UsageGroup(BaseModel):
    key: str
    label: str
    turns: int
    answered_turns: int
    cost_usd: float
    input_tokens: int
    output_tokens: int


class Spender(BaseModel):
    empno: str
    name: str | None
    department: str | None
    turns: int
    cost_usd: float


class AgentLatency(BaseModel):
    agent: str
    answered_turns: int
    p50_seconds: float | None
    p95_seconds: float | None


def _money(value: Any) -> float:
    return round(float(value or Decimal(0)), 6)


def totals(db: Executor, f: UsageFilter) -> UsageTotals:
    row = db.fetch_one(
        _TURNS
        + """
        SELECT count(*) AS turns,
               count(*) FILTER (WHERE t.status = 'completed') AS answered,
               count(*) FILTER (WHERE t.status = 'failed') AS failed,
               COALESCE(sum(t.cost_usd), 0) AS cost_usd,
               COALESCE(sum(t.input_tokens), 0) AS input_tokens,
               COALESCE(sum(t.output_tokens), 0) AS output_tokens
        FROM turns t
        """,
        f.params(),
    )
    assert row is not None
    answered, cost = int(row["answered"]), _money(row["cost_usd"])
    return UsageTotals(
        turns=int(row["turns"]),
        answered_turns=answered,
        failed_turns=int(row["failed"]),
        cost_usd=cost,
        input_tokens=int(row["input_tokens"]),
        output_tokens=int(row["output_tokens"]),
        cost_per_answered_turn=round(cost / answered, 6) if answered else None,
    )


def grouped(db: Executor, f: UsageFilter, by: GroupBy) -> list[UsageGroup]:
    """Totals per day (oldest first) or per user/department/agent/model (dearest first)."""
    if by == "model":
        sql = """
        SELECT COALESCE(k.model, '') AS key, COALESCE(k.model, '') AS label,
               count(DISTINCT k.id) AS turns,
               count(DISTINCT k.id) FILTER (WHERE t.status = 'completed') AS answered_turns,
               sum(k.cost_usd) AS cost_usd, sum(k.input_tokens) AS input_tokens,
               sum(k.output_tokens) AS output_tokens
        FROM calls k JOIN turns t ON t.id = k.id
        GROUP BY k.model
        ORDER BY sum(k.cost_usd) DESC, key
        """
    else:
        order = "key" if by == "day" else "sum(t.cost_usd) DESC, key"
        sql = f"""
        SELECT {_KEY[by]} AS key, {_LABEL[by]} AS label,
               count(*) AS turns, count(*) FILTER (WHERE t.status = 'completed') AS answered_turns,
               sum(t.cost_usd) AS cost_usd, sum(t.input_tokens) AS input_tokens,
               sum(t.output_tokens) AS output_tokens
        FROM turns t
        GROUP BY {_KEY[by]}
        ORDER BY {order}
        """
    rows = db.fetch_all(_TURNS + sql, f.params())
    return [
        UsageGroup(
            key=str(r["key"]),
            label=str(r["label"] or r["key"]),
            turns=int(r["turns"]),
            answered_turns=int(r["answered_turns"]),
            cost_usd=_money(r["cost_usd"]),
            input_tokens=int(r["input_tokens"] or 0),
            output_tokens=int(r["output_tokens"] or 0),
        )
        for r in rows
    ]


def top_spenders(db: Executor, f: UsageFilter, *, limit: int = 10) -> list[Spender]:
    rows = db.fetch_all(
        _TURNS
        + """
        SELECT t.empno, MAX(t.user_name) AS name, MAX(t.department) AS department,
               count(*) AS turns, sum(t.cost_usd) AS cost_usd
        FROM turns t GROUP BY t.empno
        ORDER BY sum(t.cost_usd) DESC, t.empno
        LIMIT :limit
        """,
        {**f.params(), "limit": limit},
    )
    return [
        Spender(
            empno=r["empno"],
            name=r["name"],
            department=r["department"],
            turns=int(r["turns"]),
            cost_usd=_money(r["cost_usd"]),
        )
        for r in rows
    ]


def latency_by_agent(db: Executor, f: UsageFilter) -> list[AgentLatency]:
    """p50/p95 of the processing time of answered turns, per agent (the slowest p95 first)."""
    rows = db.fetch_all(
        _TURNS
        + """
        SELECT COALESCE(t.agent_type, '') AS agent, count(*) AS answered,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY t.processing_time) AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY t.processing_time) AS p95
        FROM turns t
        WHERE t.status = 'completed' AND t.processing_time IS NOT NULL
        GROUP BY COALESCE(t.agent_type, '')
        ORDER BY p95 DESC NULLS LAST, agent
        """,
        f.params(),
    )
    return [
        AgentLatency(
            agent=r["agent"],
            answered_turns=int(r["answered"]),
            p50_seconds=None if r["p50"] is None else round(float(r["p50"]), 3),
            p95_seconds=None if r["p95"] is None else round(float(r["p95"]), 3),
        )
        for r in rows
    ]


def spend_since(db: Executor, *, empnos: list[str], since: datetime) -> dict[str, float]:
    """Each user's spend since a moment (this month's, for the users list)."""
    if not empnos:
        return {}
    rows = db.fetch_all(
        """
        SELECT c.user_empno AS empno, COALESCE(sum(m.cost_usd), 0) AS cost_usd
        FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.role = 'assistant' AND m.created_at >= :since AND c.user_empno IN (SELECT jsonb_array_elements_text(:empnos::jsonb))
        GROUP BY c.user_empno
        """,
        {"since": since, "empnos": empnos},
    )
    return {r["empno"]: _money(r["cost_usd"]) for r in rows}
