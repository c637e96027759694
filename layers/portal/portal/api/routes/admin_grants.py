"""Administrators grant or revoke a tier-1 agent for a whole department at once."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from portal.admin.audit import record_admin_change
from portal.agents.access import RESTRICTED_AGENTS, forget_access
from portal.api.deps import AdminUser, ClientOrigin, Db
from portal.api.schemas import AgentGrantIn
from portal.db.executor import Executor
from portal.db.repositories import permissions, user_admin
from portal.db.repositories.permissions import AgentGrant
from portal.errors import BadRequest, NotFound
from portal.realtime.admin_events import access_changed

router = APIRouter(prefix="/admin/permissions/departments", tags=["admin"])


class DepartmentGrant(AgentGrantIn):
    """A grant for everyone of a department."""


class BulkResult(BaseModel):
    department: str
    agent: str
    empnos: list[str] = []  # the users whose grant was written or removed


def _members(db: Db, department: str) -> list[str]:
    members = user_admin.empnos_in_department(db, department=department)
    if not members:
        raise NotFound(f"No signed-in user belongs to the department {department!r}")
    return members


def _grants_of(db: Executor, members: list[str], agent: str) -> dict[str, AgentGrant | None]:
    """Each member's grant of the agent as it stands (None where there is none), for the audit row."""
    held = {g.empno: g for g in permissions.list_grants(db) if g.agent_type == agent and g.empno in members}
    return {empno: held.get(empno) for empno in members}


@router.put("/{department}", response_model=BulkResult)
def grant_department(
    department: str, body: DepartmentGrant, admin: AdminUser, db: Db, origin: ClientOrigin
) -> BulkResult:
    """Grant (or renew) the agent to every user of the department, in one transaction with its audit row."""
    members = _members(db, department)
    with db.transaction() as tx:
        before = _grants_of(tx, members, body.agent)
        after = {
            empno: permissions.grant(
                tx, empno=empno, agent_type=body.agent, granted_by=admin.empno, expires_at=body.expires_at
            )
            for empno in members
        }
        record_admin_change(
            tx,
            admin_empno=admin.empno,
            action="admin.grant.department.put",
            resource_type="department_grant",
            target=f"{department}:{body.agent}",
            before=before,
            after=after,
            origin=origin,
        )
    for empno in members:
        forget_access(empno)
        access_changed(empno, by_empno=admin.empno)
    return BulkResult(department=department, agent=body.agent, empnos=members)


@router.delete("/{department}/{agent}", response_model=BulkResult)
def revoke_department(
    department: str, agent: str, admin: AdminUser, db: Db, origin: ClientOrigin
) -> BulkResult:
    """Revoke the agent from every user of the department who holds it, with its audit row."""
    if agent not in RESTRICTED_AGENTS:
        raise BadRequest(f"Unknown restricted agent {agent!r}")
    members = _members(db, department)
    removed: list[str] = []
    with db.transaction() as tx:
        before = _grants_of(tx, members, agent)
        for empno in members:
            if permissions.revoke(tx, empno=empno, agent_type=agent):
                removed.append(empno)
        if removed:  # nothing changed, nothing to audit
            record_admin_change(
                tx,
                admin_empno=admin.empno,
                action="admin.grant.department.revoke",
                resource_type="department_grant",
                target=f"{department}:{agent}",
                before={empno: before[empno] for empno in removed},
                after={empno: None for empno in removed},
                origin=origin,
            )
    for empno in removed:
        forget_access(empno)
        access_changed(empno, by_empno=admin.empno)
    return BulkResult(department=department, agent=agent, empnos=removed)
