"""Request and response bodies of rename, search, export and shares of conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from portal.conversations.highlight import Part


class ConversationRename(BaseModel):
    title: str = Field(max_length=200)

    @field_validator("title")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        cleaned = " ".join(v.split())
        if not cleaned:
            raise ValueError("제목을 입력해 주세요.")
        return cleaned


class SearchHitOut(BaseModel):
    conversation_id: str
    conversation_title: str | None
    message_id: str | None
    role: str | None
    created_at: str
    parts: list[Part]


class SearchResults(BaseModel):
    query: str
    items: list[SearchHitOut]


class ShareCreate(BaseModel):
    """Exactly one of a colleague's employee number or a workspace id."""

    empno: str | None = Field(default=None, min_length=1, max_length=20)
    workspace_id: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ShareCreate:
        if (self.empno is None) == (self.workspace_id is None):
            raise ValueError("공유할 동료(empno) 또는 워크스페이스(workspace_id) 중 하나만 정해 주세요.")
        return self


class ShareOut(BaseModel):
    id: str
    kind: Literal["person", "workspace"]
    grantee_empno: str | None = None
    grantee_name: str | None = None
    workspace_id: str | None = None
    workspace_title: str | None = None
    created_at: datetime


class ShareList(BaseModel):
    items: list[ShareOut]
