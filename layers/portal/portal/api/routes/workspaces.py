"""Workspaces: create, list, read, update, archive, collaborators and the activity feed.

A workspace the caller cannot read is 404 (unknown and forbidden look the same); one they
can read but lack the role for is 403.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response

from portal.api.deps import ClientOrigin, CurrentUser, Db, workspace_id_or_404
from portal.api.schemas_workspaces import (
    ActivityList,
    ActivityOut,
    CollaboratorIn,
    WorkspaceCreate,
    WorkspaceList,
    WorkspaceOut,
    WorkspaceUpdate,
)
from portal.collab import workspaces as service
from portal.collab.access import require_workspace
from portal.db.repositories import activity, workspaces
from portal.db.repositories.workspaces import Workspace

router = APIRouter(prefix="/workspaces", tags=["workspaces"])


def _out(workspace: Workspace) -> WorkspaceOut:
    return WorkspaceOut.model_validate(workspace.model_dump())


@router.post("", response_model=WorkspaceOut, status_code=201)
def create_workspace(body: WorkspaceCreate, user: CurrentUser, db: Db, origin: ClientOrigin) -> WorkspaceOut:
    """A new workspace owned by the caller."""
    return _out(
        service.create(
            db,
            user,
            title=body.title,
            description=body.description,
            visibility=body.visibility,
            settings=body.settings,
            origin=origin,
        )
    )


@router.get("", response_model=WorkspaceList)
def list_workspaces(
    user: CurrentUser,
    db: Db,
    scope: Literal["all", "owned", "shared"] = Query(
        "all", description="owned: mine; shared: others' I can read"
    ),
    status: Literal["active", "archived"] = Query("active"),
    limit: int = Query(50, ge=1, le=200),
) -> WorkspaceList:
    """Workspaces the caller can read, most recently updated first."""
    items = workspaces.list_for_user(
        db, empno=user.empno, company_code=user.company_code, scope=scope, status=status, limit=limit
    )
    return WorkspaceList(items=[_out(w) for w in items])


@router.get("/{workspace_id}", response_model=WorkspaceOut)
def get_workspace(workspace_id: str, user: CurrentUser, db: Db) -> WorkspaceOut:
    return _out(require_workspace(db, user, workspace_id_or_404(workspace_id)))


@router.patch("/{workspace_id}", response_model=WorkspaceOut)
def update_workspace(
    workspace_id: str, body: WorkspaceUpdate, user: CurrentUser, db: Db, origin: ClientOrigin
) -> WorkspaceOut:
    """Change title, description, visibility or settings (owner)."""
    changes = body.model_dump(exclude_none=True)
    return _out(service.update(db, user, workspace_id_or_404(workspace_id), changes=changes, origin=origin))


@router.post("/{workspace_id}/archive", response_model=WorkspaceOut)
def archive_workspace(workspace_id: str, user: CurrentUser, db: Db, origin: ClientOrigin) -> WorkspaceOut:
    """Make the workspace read-only (owner)."""
    return _out(
        service.set_archived(db, user, workspace_id_or_404(workspace_id), archived=True, origin=origin)
    )


@router.post("/{workspace_id}/restore", response_model=WorkspaceOut)
def restore_workspace(workspace_id: str, user: CurrentUser, db: Db, origin: ClientOrigin) -> WorkspaceOut:
    """Make an archived workspace editable again (owner)."""
    return _out(
        service.set_archived(db, user, workspace_id_or_404(workspace_id), archived=False, origin=origin)
    )


@router.post("/{workspace_id}/collaborators", response_model=WorkspaceOut, status_code=201)
def put_collaborator(
    workspace_id: str,
    body: CollaboratorIn,
    user: CurrentUser,
    db: Db,
    origin: ClientOrigin,
    response: Response,
) -> WorkspaceOut:
    """Add a collaborator (201) or change their role (200); owner only."""
    workspace, added = service.put_collaborator(
        db, user, workspace_id_or_404(workspace_id), empno=body.empno, role=body.role, origin=origin
    )
    response.status_code = 201 if added else 200
    return _out(workspace)


@router.delete("/{workspace_id}/collaborators/{empno}", status_code=204)
def remove_collaborator(
    workspace_id: str, empno: str, user: CurrentUser, db: Db, origin: ClientOrigin
) -> Response:
    """Remove a collaborator (owner), or leave a workspace you collaborate on (yourself)."""
    service.remove_collaborator(db, user, workspace_id_or_404(workspace_id), empno=empno, origin=origin)
    return Response(status_code=204)


@router.get("/{workspace_id}/activity", response_model=ActivityList)
def workspace_activity(
    workspace_id: str, user: CurrentUser, db: Db, limit: int = Query(50, ge=1, le=200)
) -> ActivityList:
    """The last 7 days of changes to the workspace and its artifacts, newest first."""
    workspace = require_workspace(db, user, workspace_id_or_404(workspace_id))
    items = activity.for_workspace(db, workspace_id=workspace.id, limit=limit)
    return ActivityList(items=[ActivityOut.model_validate(a.model_dump()) for a in items])
