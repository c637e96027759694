"""Activity logs: who changed what, read back through the seed's ``recent_activity`` view (7 days)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


@dataclass(frozen=True)
class Origin:
    """Where a change came from (the REST caller's address and user agent), when known."""

    ip_address: str | None = None
    user_agent: str | None = None


class Activity(BaseModel):
    id: str
    empno: str
    user_name: str | None = None
    action: str
    resource_type: str | None = None
    resource_id: str | None = None
    resource_name: str | None = None
    metadata: dict[str, Any] = {}
    timestamp: datetime


def _valid_ip(value: str | None) -> str | None:
    # Test clients and proxies may report names ("testclient"); the column only takes addresses.
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def record(
    db: Executor,
    *,
    empno: str,
    action: str,
    resource_type: str,
    resource_id: str | None,
    metadata: dict[str, Any] | None = None,
    origin: Origin | None = None,
) -> None:
    """Write one activity row (call it inside the change's transaction)."""
    origin = origin or Origin()
    db.execute(
        """
        INSERT INTO activity_logs (empno, action, resource_type, resource_id, metadata, ip_address, user_agent)
        VALUES (:empno, :action, :resource_type, :resource_id::uuid, :metadata::jsonb, :ip::inet, :user_agent)
        """,
        {
            "empno": empno,
            "action": action,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "metadata": metadata or {},
            "ip": _valid_ip(origin.ip_address),
            "user_agent": (origin.user_agent or "")[:500] or None,
        },
    )


def for_workspace(db: Executor, *, workspace_id: str, limit: int = 50) -> list[Activity]:
    """The workspace's recent activity (itself and its artifacts' versions), newest first."""
    rows = db.fetch_all(
        """
        SELECT ra.id, ra.empno, ra.user_name, ra.action, ra.resource_type, ra.resource_id,
               ra.resource_name, ra.metadata, ra.timestamp
        FROM recent_activity ra
        WHERE (ra.resource_type = 'workspace' AND ra.resource_id = :workspace_id::uuid)
           OR (ra.resource_type = 'artifact'
               AND ra.resource_id IN (SELECT id FROM artifacts WHERE workspace_id = :workspace_id::uuid))
        ORDER BY ra.timestamp DESC, ra.id
        LIMIT :limit
        """,
        {"workspace_id": workspace_id, "limit": limit},
    )
    return [Activity.model_validate(r) for r in rows]


def exists(db: Executor, *, resource_type: str, resource_id: str) -> bool:
    """Whether anything was logged about this resource (a repeated step logs once)."""
    row = db.fetch_one(
        "SELECT 1 AS one FROM activity_logs WHERE resource_type = :type AND resource_id = :id::uuid LIMIT 1",
        {"type": resource_type, "id": resource_id},
    )
    return row is not None


class ActivityFilter(BaseModel):
    """The admin console's filters over the whole log (who, what, when, target)."""

    empno: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search(db: Executor, f: ActivityFilter, *, limit: int, offset: int) -> list[Activity]:
    """Matching rows, newest first (the whole log, not only the 7-day view)."""
    rows = db.fetch_all(
        """
        SELECT a.id::text AS id, a.empno, u.name_ko AS user_name, a.action, a.resource_type,
               a.resource_id::text AS resource_id, NULL AS resource_name, a.metadata, a.timestamp
        FROM activity_logs a LEFT JOIN users u ON u.empno = a.empno
        WHERE (CAST(:empno AS text) IS NULL OR a.empno = :empno)
          AND (CAST(:action AS text) IS NULL OR a.action = :action)
          AND (CAST(:resource_type AS text) IS NULL OR a.resource_type = :resource_type)
          AND (CAST(:resource_id AS text) IS NULL OR a.resource_id::text = :resource_id
               OR a.metadata->>'target' = :resource_id)
          AND (CAST(:since AS timestamptz) IS NULL OR a.timestamp >= CAST(:since AS timestamptz))
          AND (CAST(:until AS timestamptz) IS NULL OR a.timestamp < CAST(:until AS timestamptz))
        ORDER BY a.timestamp DESC, a.id
        LIMIT :limit OFFSET :offset
        """,
        {**f.model_dump(), "limit": limit, "offset": offset},
    )
    return [Activity.model_validate(r) for r in rows]
