"""Administrators grant and revoke tier-1 agents per user, optionally until a date."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import Field

from portal.admin.audit import record_admin_change
from portal.agents.access import RESTRICTED_AGENTS, forget_access
from portal.api.deps import AdminUser, Db
from portal.api.schemas import AgentGrantIn
from portal.db.executor import Executor
from portal.db.repositories import permissions, users
from portal.db.repositories.permissions import AgentGrant
from portal.errors import BadRequest, NotFound
from portal.realtime.admin_events import access_changed

router = APIRouter(prefix="/admin/permissions", tags=["admin"])


class GrantRequest(AgentGrantIn):
    empno: str = Field(min_length=1, max_length=20)


def _current_grant(db: Executor, empno: str, agent: str) -> AgentGrant | None:
    """The grant as it stands before a change (for the audit row's "before")."""
    return next((g for g in permissions.list_grants(db, empno=empno) if g.agent_type == agent), None)


@router.get("", response_model=list[AgentGrant])
def list_grants(admin: AdminUser, db: Db, empno: str | None = Query(None, max_length=20)) -> list[AgentGrant]:
    return permissions.list_grants(db, empno=empno)


@router.put("", response_model=AgentGrant)
def grant(body: GrantRequest, admin: AdminUser, db: Db) -> AgentGrant:
    """Grant or renew; the user must have signed in once (users are provisioned from tokens)."""
    if users.get(db, empno=body.empno) is None:
        raise NotFound(f"User {body.empno} has never signed in")
    with db.transaction() as tx:  # the grant and its audit row together
        before = _current_grant(tx, body.empno, body.agent)
        saved = permissions.grant(
            tx, empno=body.empno, agent_type=body.agent, granted_by=admin.empno, expires_at=body.expires_at
        )
        record_admin_change(
            tx,
            admin_empno=admin.empno,
            action="admin.grant.put",
            resource_type="agent_grant",
            target=f"{body.empno}:{body.agent}",
            before=before,
            after=saved,
        )
    forget_access(body.empno)
    access_changed(body.empno, by_empno=admin.empno)
    return saved


@router.delete("/{empno}/{agent}", status_code=204)
def revoke(empno: str, agent: str, admin: AdminUser, db: Db) -> Response:
    if agent not in RESTRICTED_AGENTS:
        raise BadRequest(f"Unknown restricted agent {agent!r}")
    with db.transaction() as tx:
        before = _current_grant(tx, empno, agent)
        if not permissions.revoke(tx, empno=empno, agent_type=agent):
            raise NotFound("No such grant")
        record_admin_change(
            tx,
            admin_empno=admin.empno,
            action="admin.grant.revoke",
            resource_type="agent_grant",
            target=f"{empno}:{agent}",
            before=before,
            after=None,
        )
    forget_access(empno)
    access_changed(empno, by_empno=admin.empno)
    return Response(status_code=204)
