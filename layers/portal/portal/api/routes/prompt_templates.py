"""Prompt templates: a user's own and those colleagues of the same company shared.

Anyone signed in lists what they may see and writes their own; another user's template is
404 to change or delete (shared ones are read-only to everyone but the owner).
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, field_validator

from portal.api.deps import CurrentUser, Db
from portal.api.ids import uuid_or_404
from portal.db.repositories import prompt_templates
from portal.db.repositories.prompt_templates import PromptTemplate
from portal.errors import NotFound

router = APIRouter(prefix="/prompt-templates", tags=["prompt-templates"])

MAX_BODY = 8000


def _stripped(v: str | None) -> str | None:
    if v is None:
        return None
    if not v.strip():
        raise ValueError("비어 있을 수 없습니다.")
    return v.strip()


class TemplateCreate(BaseModel):
    title: str = Field(min_length=1, max_length=100)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    shared: bool = False

    _not_blank = field_validator("title", "body")(_stripped)


class TemplateUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=100)
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY)
    shared: bool | None = None

    _not_blank = field_validator("title", "body")(_stripped)


class TemplateOut(PromptTemplate):
    mine: bool = False


class TemplateList(BaseModel):
    items: list[TemplateOut]


def _out(t: PromptTemplate, empno: str) -> TemplateOut:
    return TemplateOut.model_validate(t.model_dump() | {"mine": t.owner_empno == empno})


@router.get("", response_model=TemplateList)
def list_templates(user: CurrentUser, db: Db) -> TemplateList:
    """The user's templates first, then those shared in their company."""
    items = prompt_templates.list_visible(db, empno=user.empno, company_code=user.company_code)
    return TemplateList(items=[_out(t, user.empno) for t in items])


@router.post("", response_model=TemplateOut, status_code=201)
def create_template(body: TemplateCreate, user: CurrentUser, db: Db) -> TemplateOut:
    made = prompt_templates.create(
        db, owner_empno=user.empno, title=body.title, body=body.body, shared=body.shared
    )
    return _out(made, user.empno)


@router.patch("/{template_id}", response_model=TemplateOut)
def update_template(template_id: str, body: TemplateUpdate, user: CurrentUser, db: Db) -> TemplateOut:
    changed = prompt_templates.update_owned(
        db,
        template_id=uuid_or_404(template_id, "Template"),
        owner_empno=user.empno,
        title=body.title,
        body=body.body,
        shared=body.shared,
    )
    if changed is None:
        raise NotFound("템플릿을 찾을 수 없습니다.")
    return _out(changed, user.empno)


@router.delete("/{template_id}", status_code=204)
def delete_template(template_id: str, user: CurrentUser, db: Db) -> Response:
    if not prompt_templates.delete_owned(
        db, template_id=uuid_or_404(template_id, "Template"), owner_empno=user.empno
    ):
        raise NotFound("템플릿을 찾을 수 없습니다.")
    return Response(status_code=204)
