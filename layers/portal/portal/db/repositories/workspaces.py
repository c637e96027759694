"""Workspaces: the access rule (owner, collaborator, same-company team, public)."""

from __future__ import annotations

from portal.db.executor import Executor


def accessible_workspace_id(
    db: Executor, *, workspace_id: str, empno: str, company_code: str | None
) -> str | None:
    """The workspace id if this user may read it, else None (callers answer 404)."""
    row = db.fetch_one(
        """
        SELECT w.id FROM workspaces w
        JOIN users o ON o.empno = w.owner_empno
        WHERE w.id = :id::uuid AND w.status <> 'deleted' AND (
              w.owner_empno = :empno
           OR w.collaborators @> jsonb_build_array(jsonb_build_object('empno', :empno::text))
           OR w.visibility = 'public'
           OR (w.visibility = 'team' AND o.company_code IS NOT NULL AND o.company_code = :company_code))
        """,
        {"id": workspace_id, "empno": empno, "company_code": company_code},
    )
    return row["id"] if row else None
