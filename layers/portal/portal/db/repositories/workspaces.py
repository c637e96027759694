"""Workspaces: the access rule (owner, collaborator, same-company team, public) and the caller's role.

Read access: the owner, a collaborator (the ``collaborators`` JSONB array of
``{"empno", "role"}``), anyone of the owner's company when visibility is ``team``, anyone
when it is ``public``. The role decides what a reader may do: ``owner`` > ``editor`` >
``viewer``; team and public readers who are not collaborators are viewers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from portal.db.executor import Executor

Visibility = Literal["private", "team", "public"]
Status = Literal["active", "archived", "deleted"]
Role = Literal["owner", "editor", "viewer"]
CollaboratorRole = Literal["editor", "viewer"]
Scope = Literal["all", "owned", "shared"]

ROLE_RANK: dict[str, int] = {"viewer": 1, "editor": 2, "owner": 3}


class Collaborator(BaseModel):
    empno: str
    role: CollaboratorRole
    name: str | None = None
    added_at: datetime | None = None
    added_by: str | None = None


class Workspace(BaseModel):
    id: str
    owner_empno: str
    owner_name: str | None = None
    title: str
    description: str | None = None
    settings: dict[str, Any] = {}
    collaborators: list[Collaborator] = []
    visibility: Visibility
    status: Status
    personal: bool = False
    role: Role  # the caller's role in this workspace
    created_at: datetime
    updated_at: datetime


# Read access for (:empno, :company_code), over workspaces w joined to its owner o.
_ACCESS = """
    w.status <> 'deleted' AND (
          w.owner_empno = :empno
       OR w.collaborators @> jsonb_build_array(jsonb_build_object('empno', :empno::text))
       OR w.visibility = 'public'
       OR (w.visibility = 'team' AND o.company_code IS NOT NULL AND o.company_code = :company_code::text))
"""

_ROLE = """
    CASE WHEN w.owner_empno = :empno THEN 'owner'
         ELSE COALESCE((SELECT c->>'role' FROM jsonb_array_elements(w.collaborators) c
                        WHERE c->>'empno' = :empno::text LIMIT 1), 'viewer')
    END
"""

# Collaborators with their display names, in the order they were added.
_COLLABORATORS = """
    (SELECT COALESCE(jsonb_agg(e.c || jsonb_build_object('name', cu.name_ko) ORDER BY e.ord), '[]'::jsonb)
     FROM jsonb_array_elements(w.collaborators) WITH ORDINALITY AS e(c, ord)
     LEFT JOIN users cu ON cu.empno = e.c->>'empno')
"""

_SELECT = f"""
    SELECT w.id, w.owner_empno, o.name_ko AS owner_name, w.title, w.description, w.settings,
           {_COLLABORATORS} AS collaborators, w.visibility, w.status, w.personal,
           {_ROLE} AS role, w.created_at, w.updated_at
    FROM workspaces w JOIN users o ON o.empno = w.owner_empno
"""


def _model(row: dict[str, Any] | None) -> Workspace | None:
    return Workspace.model_validate(row) if row else None


def accessible_workspace_id(
    db: Executor, *, workspace_id: str, empno: str, company_code: str | None
) -> str | None:
    """The workspace id if this user may read it, else None (callers answer 404)."""
    row = db.fetch_one(
        f"SELECT w.id FROM workspaces w JOIN users o ON o.empno = w.owner_empno WHERE w.id = :id::uuid AND {_ACCESS}",
        {"id": workspace_id, "empno": empno, "company_code": company_code},
    )
    return row["id"] if row else None


def get_for_user(
    db: Executor, *, workspace_id: str, empno: str, company_code: str | None
) -> Workspace | None:
    """The workspace with the caller's role, or None when it does not exist or they may not read it."""
    return _model(
        db.fetch_one(
            f"{_SELECT} WHERE w.id = :id::uuid AND {_ACCESS}",
            {"id": workspace_id, "empno": empno, "company_code": company_code},
        )
    )


def list_for_user(
    db: Executor,
    *,
    empno: str,
    company_code: str | None,
    scope: Scope = "all",
    status: Status = "active",
    limit: int = 50,
) -> list[Workspace]:
    """Workspaces the user can read, most recently updated first.

    ``owned``: theirs; ``shared``: someone else's they collaborate on or see as team/public;
    ``all``: both.
    """
    scope_sql = {"all": "TRUE", "owned": "w.owner_empno = :empno", "shared": "w.owner_empno <> :empno"}[scope]
    rows = db.fetch_all(
        f"""
        {_SELECT}
        WHERE {_ACCESS} AND w.status = :status AND {scope_sql}
        ORDER BY w.updated_at DESC, w.id LIMIT :limit
        """,
        {"empno": empno, "company_code": company_code, "status": status, "limit": limit},
    )
    return [Workspace.model_validate(r) for r in rows]


def create(
    db: Executor,
    *,
    owner_empno: str,
    title: str,
    description: str | None = None,
    visibility: Visibility = "private",
    settings: dict[str, Any] | None = None,
    personal: bool = False,
) -> Workspace:
    """A new active workspace owned by ``owner_empno``."""
    row = db.fetch_one(
        """
        INSERT INTO workspaces (owner_empno, title, description, visibility, settings, personal)
        VALUES (:owner, :title, :description, :visibility, :settings::jsonb, :personal)
        RETURNING id
        """,
        {
            "owner": owner_empno,
            "title": title,
            "description": description,
            "visibility": visibility,
            "settings": settings or {},
            "personal": personal,
        },
    )
    assert row is not None
    created = get_for_user(db, workspace_id=row["id"], empno=owner_empno, company_code=None)
    assert created is not None
    return created


def personal_workspace(db: Executor, *, owner_empno: str, title: str) -> tuple[Workspace, bool]:
    """The user's personal workspace, created on first use (one per user, race-safe); (it, created)."""
    inserted = db.fetch_one(
        """
        INSERT INTO workspaces (owner_empno, title, visibility, personal)
        VALUES (:owner, :title, 'private', true)
        ON CONFLICT (owner_empno) WHERE personal DO NOTHING
        RETURNING id
        """,
        {"owner": owner_empno, "title": title},
    )
    found = _model(
        db.fetch_one(f"{_SELECT} WHERE w.owner_empno = :empno AND w.personal", {"empno": owner_empno})
    )
    assert found is not None
    return found, inserted is not None


def update(
    db: Executor,
    *,
    workspace_id: str,
    owner_empno: str,
    title: str | None = None,
    description: str | None = None,
    visibility: Visibility | None = None,
    settings: dict[str, Any] | None = None,
) -> bool:
    """Change the given fields (None keeps a field); False when the workspace is not this owner's."""
    changed = db.execute(
        """
        UPDATE workspaces SET
            title = COALESCE(:title, title),
            description = COALESCE(:description, description),
            visibility = COALESCE(:visibility, visibility),
            settings = COALESCE(:settings::jsonb, settings)
        WHERE id = :id::uuid AND owner_empno = :owner AND status <> 'deleted'
        """,
        {
            "id": workspace_id,
            "owner": owner_empno,
            "title": title,
            "description": description,
            "visibility": visibility,
            "settings": settings,
        },
    )
    return changed == 1


def set_status(db: Executor, *, workspace_id: str, owner_empno: str, status: Status) -> bool:
    """Archive or restore; False when the workspace is not this owner's."""
    changed = db.execute(
        "UPDATE workspaces SET status = :status WHERE id = :id::uuid AND owner_empno = :owner AND status <> 'deleted'",
        {"id": workspace_id, "owner": owner_empno, "status": status},
    )
    return changed == 1


def put_collaborator(
    db: Executor, *, workspace_id: str, owner_empno: str, empno: str, role: CollaboratorRole
) -> str | None:
    """Add a collaborator or change their role in one statement; the previous role (None if new).

    Raises LookupError when the workspace is not this owner's.
    """
    row = db.fetch_one(
        """
        WITH current AS (
            SELECT id, (SELECT c->>'role' FROM jsonb_array_elements(collaborators) c
                        WHERE c->>'empno' = :empno LIMIT 1) AS previous
            FROM workspaces WHERE id = :id::uuid AND owner_empno = :owner AND status <> 'deleted'
            FOR UPDATE
        )
        UPDATE workspaces w SET collaborators =
            (SELECT COALESCE(jsonb_agg(e.c ORDER BY e.ord), '[]'::jsonb)
             FROM jsonb_array_elements(w.collaborators) WITH ORDINALITY AS e(c, ord)
             WHERE e.c->>'empno' <> :empno)
            || jsonb_build_array(jsonb_build_object(
                   'empno', :empno::text, 'role', :role::text, 'added_by', :owner::text, 'added_at', NOW()))
        FROM current WHERE w.id = current.id
        RETURNING current.previous
        """,
        {"id": workspace_id, "owner": owner_empno, "empno": empno, "role": role},
    )
    if row is None:
        raise LookupError(workspace_id)
    previous: str | None = row["previous"]
    return previous


def remove_collaborator(db: Executor, *, workspace_id: str, empno: str) -> bool:
    """Drop a collaborator; False when they were not one."""
    changed = db.execute(
        """
        UPDATE workspaces w SET collaborators =
            (SELECT COALESCE(jsonb_agg(e.c ORDER BY e.ord), '[]'::jsonb)
             FROM jsonb_array_elements(w.collaborators) WITH ORDINALITY AS e(c, ord)
             WHERE e.c->>'empno' <> :empno)
        WHERE w.id = :id::uuid AND w.collaborators @> jsonb_build_array(jsonb_build_object('empno', :empno::text))
        """,
        {"id": workspace_id, "empno": empno},
    )
    return changed == 1
