"""Every admin change is written to activity_logs with what it was before and after.

One helper for all of them (grants for a user or a department, revokes, MCP configurations,
model enablement, feature switches, budgets), so the activity log reads the same whoever
changed what:

    action         "admin.<what>.<verb>", e.g. admin.grant.put, admin.budget.put
    resource_type  the kind of target ("agent_grant", "department_grant", "mcp_config", "org_setting", "budget")
    resource_id    the target's id when it is a UUID, else NULL (most targets are names)
    metadata       {"target": "<who or what>", "before": <json|null>, "after": <json|null>}

Roles are the exception: they are managed in the identity provider (its admin group), and the
sign-in that brings a changed role writes ``user.role.change`` in the same statement
(``users.upsert_from_claims``), with source "identity_provider".

Call it with the same executor as the change (inside its transaction when there is one), so
a change is never stored without its audit row, nor the row without the change.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor
from portal.db.repositories import activity
from portal.db.repositories.activity import Origin


def _json(value: Any) -> Any:
    """A JSON-ready form of before/after (pydantic models dumped, dataclasses left to the caller)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def record_admin_change(
    db: Executor,
    *,
    admin_empno: str,
    action: str,
    resource_type: str,
    target: str,
    before: Any,
    after: Any,
    origin: Origin | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write the audit row of one admin change (``before``/``after`` None when absent)."""
    metadata = {"target": target, "before": _json(before), "after": _json(after), **(extra or {})}
    activity.record(
        db,
        empno=admin_empno,
        action=action,
        resource_type=resource_type,
        resource_id=_uuid_or_none(target),
        metadata=metadata,
        origin=origin,
    )
