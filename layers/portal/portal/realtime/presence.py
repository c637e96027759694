"""Who is in a workspace right now: join, leave, disconnect and revocation (the seed's
WebSocketStateManager, with memberships in DynamoDB instead of one process's memory).

Presence is per user: the first socket of a user to join announces ``user_joined`` to the
others (not to that user), the last one to leave or drop announces ``user_left``. Reads go
through the by_workspace index, which lags writes slightly in AWS, so the socket that just
joined or left is added or removed by hand.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from portal import services
from portal.db.executor import Executor
from portal.db.repositories import users, workspaces
from portal.errors import BadRequest, NotFound, PortalError
from portal.realtime import broadcast
from portal.realtime.connections import Connection, Membership

# Workspaces one socket may be joined to at once (a tab shows one or two).
MAX_WORKSPACES_PER_CONNECTION = 10


class NotJoined(PortalError):
    status_code = 409
    code = "not_joined"


class TooManyWorkspaces(PortalError):
    status_code = 429
    code = "too_many_workspaces"


def workspace_id_of(frame: dict[str, Any]) -> str:
    """The frame's workspace id, canonical; BadRequest when missing, NotFound when not an id."""
    value = frame.get("workspace_id")
    if not isinstance(value, str) or not value:
        raise BadRequest('This action needs "workspace_id"')
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound("Workspace not found", workspace_id=value) from None


def present_users(
    workspace_id: str, *, plus: Membership | None = None, minus: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The distinct users joined to a workspace, earliest first, with how many sockets each has there."""
    members = [m for m in services.connections().in_workspace(workspace_id) if m.connection_id not in minus]
    if plus is not None and all(m.connection_id != plus.connection_id for m in members):
        members.append(plus)
    people: dict[str, dict[str, Any]] = {}
    for m in sorted(members, key=lambda m: (m.joined_at, m.empno)):
        person = people.setdefault(
            m.empno, {"empno": m.empno, "name": m.name, "joined_at": m.joined_at, "connections": 0}
        )
        person["connections"] += 1
    return list(people.values())


def _user_event(kind: str, workspace_id: str, empno: str, name: str | None) -> dict[str, Any]:
    return {
        "type": kind,
        "workspace_id": workspace_id,
        "empno": empno,
        "name": name,
        "timestamp": time.time(),
    }


def join(db: Executor, connection: Connection, workspace_id: str) -> list[dict[str, Any]]:
    """Join after checking read access; the joiner gets `presence`, the others `user_joined`."""
    store, me = services.connections(), connection.user_empno
    user = users.get(db, empno=me)
    workspace = workspaces.get_for_user(
        db, workspace_id=workspace_id, empno=me, company_code=user.company_code if user else None
    )
    if workspace is None:
        # Unknown and not-yours look the same: an outsider learns nothing about the workspace.
        raise NotFound("Workspace not found", workspace_id=workspace_id)
    joined = store.memberships(connection.connection_id)
    if len(joined) >= MAX_WORKSPACES_PER_CONNECTION and all(m.workspace_id != workspace_id for m in joined):
        raise TooManyWorkspaces(
            f"A connection can be in {MAX_WORKSPACES_PER_CONNECTION} workspaces at once; leave one first"
        )
    already_here = any(
        m.empno == me and m.connection_id != connection.connection_id
        for m in store.in_workspace(workspace_id)
    )
    membership = store.join(connection, workspace_id=workspace_id, name=user.name_ko if user else None)
    people = present_users(workspace_id, plus=membership)
    services.sender().send(
        connection.connection_id,
        {
            "type": "presence",
            "workspace_id": workspace_id,
            "joined": True,
            "role": workspace.role,
            "users": people,
            "timestamp": time.time(),
        },
    )
    if not already_here:
        broadcast.to_workspace(
            workspace_id, _user_event("user_joined", workspace_id, me, membership.name), exclude_user=me
        )
    return people


def _announce_left(workspace_id: str, empno: str, name: str | None, *, gone: frozenset[str]) -> None:
    still_here = any(
        m.empno == empno and m.connection_id not in gone
        for m in services.connections().in_workspace(workspace_id)
    )
    if not still_here:
        broadcast.to_workspace(
            workspace_id, _user_event("user_left", workspace_id, empno, name), exclude_connections=gone
        )


def leave(connection: Connection, workspace_id: str) -> None:
    """Leave a joined workspace; the leaver gets `presence` with joined=false, the others `user_left`."""
    left = services.connections().leave(connection.connection_id, workspace_id=workspace_id)
    if left is None:
        raise NotJoined("This connection has not joined that workspace", workspace_id=workspace_id)
    gone = frozenset({connection.connection_id})
    services.sender().send(
        connection.connection_id,
        {
            "type": "presence",
            "workspace_id": workspace_id,
            "joined": False,
            "role": None,
            "users": present_users(workspace_id, minus=gone),
            "timestamp": time.time(),
        },
    )
    _announce_left(workspace_id, left.empno, left.name, gone=gone)


def disconnect(connection_id: str) -> None:
    """Forget a closed socket; each workspace it was in hears `user_left` if that was the user's last socket."""
    gone = frozenset({connection_id})
    for membership in services.connections().remove(connection_id):
        _announce_left(membership.workspace_id, membership.empno, membership.name, gone=gone)


def revoke_lost_access(db: Executor, workspace_id: str) -> list[str]:
    """Drop the joined users who can no longer read the workspace (after a collaborator is removed
    or visibility narrowed); they get an `access_revoked` error, the rest `user_left`. Returns them.
    """
    store = services.connections()
    members = store.in_workspace(workspace_id)
    lost: list[str] = []
    for empno in dict.fromkeys(m.empno for m in members):
        user = users.get(db, empno=empno)
        if workspaces.accessible_workspace_id(
            db, workspace_id=workspace_id, empno=empno, company_code=user.company_code if user else None
        ):
            continue
        lost.append(empno)
        theirs = [m for m in members if m.empno == empno]
        for m in theirs:
            store.leave(m.connection_id, workspace_id=workspace_id)
        services.sender().send_many(
            [m.connection_id for m in theirs],
            {
                "type": "error",
                "code": "access_revoked",
                "message": "You no longer have access to this workspace",
                "workspace_id": workspace_id,
            },
        )
        _announce_left(workspace_id, empno, theirs[0].name, gone=frozenset(m.connection_id for m in theirs))
    return lost
