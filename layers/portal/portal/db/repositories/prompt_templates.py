"""Prompt templates (0007): the owner's own and those shared within their company."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from portal.db.executor import Executor


class PromptTemplate(BaseModel):
    id: str
    owner_empno: str
    owner_name: str | None = None
    title: str
    body: str
    shared: bool
    created_at: datetime
    updated_at: datetime


_SELECT = """
    SELECT t.id, t.owner_empno, o.name_ko AS owner_name, t.title, t.body, t.shared,
           t.created_at, t.updated_at
    FROM prompt_templates t JOIN users o ON o.empno = t.owner_empno
"""


def list_visible(db: Executor, *, empno: str, company_code: str | None) -> list[PromptTemplate]:
    """The user's templates, then the shared ones of colleagues of the same company, by title."""
    rows = db.fetch_all(
        f"""{_SELECT}
        WHERE t.owner_empno = :empno
           OR (t.shared AND o.company_code IS NOT NULL AND o.company_code = :company_code::text)
        ORDER BY t.owner_empno <> :empno, t.title, t.id
        LIMIT 500
        """,
        {"empno": empno, "company_code": company_code},
    )
    return [PromptTemplate.model_validate(r) for r in rows]


def create(db: Executor, *, owner_empno: str, title: str, body: str, shared: bool) -> PromptTemplate:
    row = db.fetch_one(
        """
        INSERT INTO prompt_templates (owner_empno, title, body, shared)
        VALUES (:owner, :title, :body, :shared) RETURNING id
        """,
        {"owner": owner_empno, "title": title, "body": body, "shared": shared},
    )
    assert row is not None
    found = get_owned(db, template_id=str(row["id"]), owner_empno=owner_empno)
    assert found is not None
    return found


def get_owned(db: Executor, *, template_id: str, owner_empno: str) -> PromptTemplate | None:
    row = db.fetch_one(
        f"{_SELECT} WHERE t.id = :id::uuid AND t.owner_empno = :owner",
        {"id": template_id, "owner": owner_empno},
    )
    return PromptTemplate.model_validate(row) if row else None


def update_owned(
    db: Executor,
    *,
    template_id: str,
    owner_empno: str,
    title: str | None,
    body: str | None,
    shared: bool | None,
) -> PromptTemplate | None:
    """Change the given fields of the owner's template; None when it is not theirs."""
    changed = db.fetch_one(
        """
        UPDATE prompt_templates SET title = COALESCE(:title, title), body = COALESCE(:body, body),
                                    shared = COALESCE(:shared, shared)
        WHERE id = :id::uuid AND owner_empno = :owner RETURNING id
        """,
        {"id": template_id, "owner": owner_empno, "title": title, "body": body, "shared": shared},
    )
    return get_owned(db, template_id=template_id, owner_empno=owner_empno) if changed else None


def delete_owned(db: Executor, *, template_id: str, owner_empno: str) -> bool:
    return (
        db.execute(
            "DELETE FROM prompt_templates WHERE id = :id::uuid AND owner_empno = :owner",
            {"id": template_id, "owner": owner_empno},
        )
        == 1
    )
