"""What the admin console shows of users: search, role, department, last activity, grants."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from portal.db.executor import Executor
from portal.db.repositories.users import _like_prefix


class AdminUserRow(BaseModel):
    empno: str
    name: str
    department: str | None = None
    company: str | None = None
    roles: list[str] = []
    # Latest of: first sign-in, a change of the user's claims, their latest message.
    last_seen: datetime | None = None
    active_agents: list[str] = []


class AdminUserPage(BaseModel):
    total: int
    items: list[AdminUserRow]


def search(
    db: Executor, *, query: str | None, department: str | None, limit: int, offset: int
) -> AdminUserPage:
    """Users whose name or department contains, or employee number starts with, the query; by name."""
    params = {
        "prefix": _like_prefix(query) if query else None,
        "contains": "%" + _like_prefix(query) if query else None,
        "department": department,
        "limit": limit,
        "offset": offset,
    }
    where = """
        WHERE (CAST(:prefix AS text) IS NULL OR u.empno ILIKE :prefix ESCAPE '\\'
               OR u.name_ko ILIKE :contains ESCAPE '\\' OR u.department ILIKE :contains ESCAPE '\\')
          AND (CAST(:department AS text) IS NULL OR u.department = :department)
    """
    count = db.fetch_one(f"SELECT count(*) AS n FROM users u {where}", params)
    rows = db.fetch_all(
        f"""
        SELECT u.empno, u.name_ko AS name, u.department, u.company, u.roles,
               GREATEST(u.created_at, u.updated_at, (
                   SELECT max(m.created_at) FROM messages m
                   JOIN conversations c ON c.id = m.conversation_id
                   WHERE c.user_empno = u.empno AND m.role = 'user')) AS last_seen,
               COALESCE((SELECT jsonb_agg(p.agent_type ORDER BY p.agent_type)
                         FROM user_agent_permissions p
                         WHERE p.empno = u.empno AND (p.expires_at IS NULL OR p.expires_at > NOW())),
                        '[]'::jsonb) AS active_agents
        FROM users u {where}
        ORDER BY u.name_ko, u.empno
        LIMIT :limit OFFSET :offset
        """,
        params,
    )
    return AdminUserPage(
        total=int(count["n"]) if count else 0, items=[AdminUserRow.model_validate(r) for r in rows]
    )


def empnos_in_department(db: Executor, *, department: str) -> list[str]:
    rows = db.fetch_all(
        "SELECT empno FROM users WHERE department = :department ORDER BY empno", {"department": department}
    )
    return [r["empno"] for r in rows]


def departments(db: Executor) -> list[str]:
    rows = db.fetch_all(
        "SELECT DISTINCT department FROM users WHERE department IS NOT NULL ORDER BY department"
    )
    return [r["department"] for r in rows]
