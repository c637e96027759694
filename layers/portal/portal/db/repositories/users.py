"""Users, provisioned from token claims (the seed's SYGenai-compatible users table)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from portal.db.executor import Executor


class User(BaseModel):
    empno: str
    name_ko: str
    department: str | None = None
    company: str | None = None
    company_code: str | None = None
    roles: list[str] = []
    permissions: dict[str, Any] = {}
    profile_data: dict[str, Any] = {}
    preferences: dict[str, Any] = {}
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


_COLUMNS = "empno, name_ko, department, company, company_code, roles, permissions, profile_data, preferences, created_at, updated_at"


def upsert_from_claims(
    db: Executor,
    *,
    empno: str,
    name_ko: str,
    company: str | None,
    company_code: str | None,
    roles: list[str],
    department: str | None = None,
) -> User:
    """Create the user on first sight; refresh name, department, company and roles from the identity provider.

    A claim the IdP left out keeps the stored value (an absent attribute is not a change).
    Roles are managed in the IdP (its admin group), so a role change reaches the portal here:
    the same statement writes its audit row (``user.role.change``, before/after) — only the
    request that actually changed the row gets a row back, so concurrent sign-ins audit once.
    """
    row = db.fetch_one(
        f"""
        WITH before AS (SELECT roles FROM users WHERE empno = :empno),
        up AS (
            INSERT INTO users (empno, name_ko, department, company, company_code, roles)
            VALUES (:empno, :name_ko, :department, :company, :company_code, :roles::jsonb)
            ON CONFLICT (empno) DO UPDATE SET
                name_ko = EXCLUDED.name_ko,
                department = COALESCE(EXCLUDED.department, users.department),
                company = COALESCE(EXCLUDED.company, users.company),
                company_code = COALESCE(EXCLUDED.company_code, users.company_code),
                roles = EXCLUDED.roles,
                updated_at = NOW()
            WHERE (users.name_ko, users.department, users.company, users.company_code, users.roles)
                  IS DISTINCT FROM (EXCLUDED.name_ko, COALESCE(EXCLUDED.department, users.department),
                                    COALESCE(EXCLUDED.company, users.company),
                                    COALESCE(EXCLUDED.company_code, users.company_code), EXCLUDED.roles)
            RETURNING {_COLUMNS}
        ),
        audit AS (
            INSERT INTO activity_logs (empno, action, resource_type, metadata)
            SELECT up.empno, 'user.role.change', 'user_role',
                   jsonb_build_object('target', up.empno, 'before', before.roles, 'after', up.roles,
                                      'source', 'identity_provider')
            FROM up, before
            WHERE before.roles IS DISTINCT FROM up.roles
        )
        SELECT {_COLUMNS} FROM up
        """,
        {
            "empno": empno,
            "name_ko": name_ko,
            "department": department,
            "company": company,
            "company_code": company_code,
            "roles": roles,
        },
    )
    # No row back means nothing changed (the WHERE skipped the update): read it.
    return User.model_validate(row) if row else get(db, empno=empno)  # type: ignore[return-value]


def get(db: Executor, *, empno: str) -> User | None:
    """One user by employee number."""
    row = db.fetch_one(f"SELECT {_COLUMNS} FROM users WHERE empno = :empno", {"empno": empno})
    return User.model_validate(row) if row else None


class DirectoryEntry(BaseModel):
    """What a colleague may see of another user: enough to pick them, nothing more."""

    empno: str
    name: str
    department: str | None = None


def _like_prefix(text: str) -> str:
    """A LIKE pattern matching `text` literally at the start (%, _ and \\ escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_directory(
    db: Executor, *, query: str, company_code: str | None, exclude_empno: str, limit: int
) -> list[DirectoryEntry]:
    """Signed-in users of the same company whose name contains, or employee number starts
    with, the query; exact employee number first, then by name."""
    rows = db.fetch_all(
        "SELECT empno, name_ko AS name, department FROM users"
        " WHERE company_code IS NOT DISTINCT FROM :company_code AND empno <> :me"
        " AND (empno ILIKE :prefix ESCAPE '\\' OR name_ko ILIKE :contains ESCAPE '\\')"
        " ORDER BY (upper(empno) = upper(:query)) DESC, name_ko, empno LIMIT :limit",
        {
            "company_code": company_code,
            "me": exclude_empno,
            "prefix": _like_prefix(query),
            "contains": "%" + _like_prefix(query),
            "query": query,
            "limit": limit,
        },
    )
    return [DirectoryEntry.model_validate(r) for r in rows]
