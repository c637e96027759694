"""Creating and managing workspaces: every change is logged in the same transaction."""

from __future__ import annotations

from typing import Any

from portal.collab.access import require_workspace
from portal.db.executor import Executor
from portal.db.repositories import activity, users, workspaces
from portal.db.repositories.activity import Origin
from portal.db.repositories.users import User
from portal.db.repositories.workspaces import CollaboratorRole, Status, Visibility, Workspace
from portal.errors import BadRequest, NotFound
from portal.realtime import broadcast, presence

PERSONAL_WORKSPACE_TITLE = "내 캔버스"


def _log(
    db: Executor, user: User, action: str, workspace_id: str, origin: Origin | None, **meta: Any
) -> None:
    activity.record(
        db,
        empno=user.empno,
        action=action,
        resource_type="workspace",
        resource_id=workspace_id,
        metadata=meta,
        origin=origin,
    )


def _reload(db: Executor, user: User, workspace_id: str) -> Workspace:
    return require_workspace(db, user, workspace_id)


def create(
    db: Executor,
    user: User,
    *,
    title: str,
    description: str | None = None,
    visibility: Visibility = "private",
    settings: dict[str, Any] | None = None,
    origin: Origin | None = None,
) -> Workspace:
    """A new workspace owned by the user."""
    with db.transaction() as tx:
        created = workspaces.create(
            tx,
            owner_empno=user.empno,
            title=title,
            description=description,
            visibility=visibility,
            settings=settings,
        )
        _log(tx, user, "workspace.create", created.id, origin, title=title, visibility=visibility)
    return created


def personal(db: Executor, user: User) -> Workspace:
    """The user's personal workspace ("내 캔버스"), created and logged on first use."""
    with db.transaction() as tx:
        found, created = workspaces.personal_workspace(
            tx, owner_empno=user.empno, title=PERSONAL_WORKSPACE_TITLE
        )
        if created:
            _log(
                tx,
                user,
                "workspace.create",
                found.id,
                None,
                title=found.title,
                visibility="private",
                personal=True,
            )
    return found


def update(
    db: Executor,
    user: User,
    workspace_id: str,
    *,
    changes: dict[str, Any],
    origin: Origin | None = None,
) -> Workspace:
    """Change title, description, visibility or settings (the owner only)."""
    current = require_workspace(db, user, workspace_id, role="owner")
    fields = {k: v for k, v in changes.items() if k in ("title", "description", "visibility", "settings")}
    if not fields:
        raise BadRequest("Nothing to change: give title, description, visibility or settings")
    with db.transaction() as tx:
        workspaces.update(tx, workspace_id=current.id, owner_empno=user.empno, **fields)
        _log(tx, user, "workspace.update", current.id, origin, changed=sorted(fields))
    if fields.get("visibility") not in (None, current.visibility):
        # Narrowing visibility can lock out people who are in the workspace right now.
        presence.revoke_lost_access(db, current.id)
    return _reload(db, user, current.id)


def set_archived(
    db: Executor, user: User, workspace_id: str, *, archived: bool, origin: Origin | None = None
) -> Workspace:
    """Archive (read-only) or restore a workspace (the owner only); a no-op when already so."""
    current = require_workspace(db, user, workspace_id, role="owner")
    status: Status = "archived" if archived else "active"
    if current.status == status:
        return current
    with db.transaction() as tx:
        workspaces.set_status(tx, workspace_id=current.id, owner_empno=user.empno, status=status)
        _log(tx, user, "workspace.archive" if archived else "workspace.restore", current.id, origin)
    return _reload(db, user, current.id)


def put_collaborator(
    db: Executor,
    user: User,
    workspace_id: str,
    *,
    empno: str,
    role: CollaboratorRole,
    origin: Origin | None = None,
) -> tuple[Workspace, bool]:
    """Add a collaborator or change their role (the owner only); (workspace, newly added)."""
    current = require_workspace(db, user, workspace_id, role="owner")
    if empno == current.owner_empno:
        raise BadRequest("The owner already has every right in the workspace")
    if users.get(db, empno=empno) is None:
        raise NotFound(f"No portal user {empno}: colleagues appear here after they sign in once", empno=empno)
    with db.transaction() as tx:
        previous = workspaces.put_collaborator(
            tx, workspace_id=current.id, owner_empno=user.empno, empno=empno, role=role
        )
        action = "workspace.collaborator_add" if previous is None else "workspace.collaborator_update"
        _log(tx, user, action, current.id, origin, empno=empno, role=role, previous_role=previous)
    broadcast.membership_changed(current.id, empno=empno, role=role, by_empno=user.empno)
    return _reload(db, user, current.id), previous is None


def remove_collaborator(
    db: Executor, user: User, workspace_id: str, *, empno: str, origin: Origin | None = None
) -> None:
    """Remove a collaborator: the owner removes anyone, a collaborator may remove themselves."""
    current = require_workspace(db, user, workspace_id, role="owner" if empno != user.empno else "viewer")
    with db.transaction() as tx:
        if not workspaces.remove_collaborator(tx, workspace_id=current.id, empno=empno):
            raise NotFound(f"{empno} is not a collaborator of this workspace", empno=empno)
        _log(tx, user, "workspace.collaborator_remove", current.id, origin, empno=empno)
    presence.revoke_lost_access(db, current.id)
    broadcast.membership_changed(current.id, empno=empno, role=None, by_empno=user.empno)
