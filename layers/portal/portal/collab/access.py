"""Who may do what in a workspace: viewers read and join, editors change artifacts, the owner
manages settings, visibility, collaborators and archiving.
"""

from __future__ import annotations

from typing import Literal

from portal.db.executor import Executor
from portal.db.repositories import workspaces
from portal.db.repositories.users import User
from portal.db.repositories.workspaces import ROLE_RANK, Role, Workspace
from portal.errors import Conflict, Forbidden, NotFound


class WorkspaceArchived(Conflict):
    code = "workspace_archived"


def require_workspace(db: Executor, user: User, workspace_id: str, *, role: Role = "viewer") -> Workspace:
    """The workspace if the user holds at least ``role`` in it.

    404 when it does not exist or the user cannot read it (never confirm it exists); 403
    when they can read it but their role is too low.
    """
    workspace = workspaces.get_for_user(
        db, workspace_id=workspace_id, empno=user.empno, company_code=user.company_code
    )
    if workspace is None:
        raise NotFound("Workspace not found")
    if ROLE_RANK[workspace.role] < ROLE_RANK[role]:
        raise Forbidden(
            f"This needs the {role} role in the workspace; you are a {workspace.role}",
            role=workspace.role,
            required=role,
        )
    return workspace


def require_active(workspace: Workspace) -> None:
    """Archived workspaces are read-only."""
    if workspace.status != "active":
        raise WorkspaceArchived("The workspace is archived; the owner can restore it to make changes")


# What a caller writes into a workspace, and the least role each write needs. A chat message
# in a workspace conversation is seen by every member (broadcast), so it needs current read
# access; files feed every member's RAG and artifacts are shared work, so they need an editor.
Write = Literal["message", "file", "artifact"]
WRITE_ROLE: dict[Write, Role] = {"message": "viewer", "file": "editor", "artifact": "editor"}


def require_write(db: Executor, user: User, workspace_id: str, what: Write) -> Workspace:
    """The one check before anything is written into a workspace (REST, WebSocket and workers).

    It re-reads the workspace's access every time, so a collaborator removed a second ago, or
    a reader who lost team access, is refused (404, as for any workspace they cannot read). Files
    and artifacts also need the workspace to be active (archived workspaces are read-only).
    """
    workspace = require_workspace(db, user, workspace_id, role=WRITE_ROLE[what])
    if what != "message":
        require_active(workspace)
    return workspace
