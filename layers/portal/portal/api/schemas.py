"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from portal.agents.access import RESTRICTED_AGENTS
from portal.agents.registry import AgentName, Toggle


class MeOut(BaseModel):
    empno: str
    name: str
    department: str | None = None
    company: str | None
    company_code: str | None
    roles: list[str]
    is_admin: bool


class ConversationCreate(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    workspace_id: str | None = None

    @field_validator("title")
    @classmethod
    def _strip_title(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None


class ConversationOut(BaseModel):
    id: str
    title: str | None
    workspace_id: str | None
    created_at: datetime
    updated_at: datetime
    # Set in the list for conversations of a workspace: its title, the conversation's owner,
    # and whether it is someone else's (seen as a workspace member, read-only here).
    workspace_title: str | None = None
    owner_empno: str | None = None
    owner_name: str | None = None
    shared: bool = False


class ConversationList(BaseModel):
    items: list[ConversationOut]
    # Pass as `after` for the next page; None on the last page.
    next_cursor: str | None = None


class MessageCreate(BaseModel):
    """A user's chat message. Length is checked against settings by the turn service."""

    content: str
    agent: AgentName | None = None
    model: str | None = Field(default=None, max_length=100)
    toggle: Toggle | None = None
    attachments: list[str] = Field(default=[], max_length=20)


class MessageOut(BaseModel):
    id: str
    conversation_id: str
    turn_id: str | None
    # The turn this one follows, and the turns beside it (regenerated or edited: branches),
    # oldest first, itself included; one entry when there is no other branch.
    previous_turn_id: str | None = None
    siblings: list[str] = []
    # The reader's own feedback on an answer: {"rating": "up"|"down", "comment"}.
    my_feedback: dict[str, Any] | None = None
    role: str
    content: str
    status: str
    agent_type: str | None
    model_used: str | None
    tokens_used: int | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    processing_time: float | None
    metadata: dict[str, Any]
    created_at: datetime


class MessageList(BaseModel):
    items: list[MessageOut]


class RegenerateIn(BaseModel):
    """Regenerate an answer: the same question again, with another model when `model` is given."""

    model: str | None = Field(default=None, max_length=100)


class EditIn(BaseModel):
    """Edit a question and send it again as a new branch."""

    content: str
    model: str | None = Field(default=None, max_length=100)


class BranchIn(BaseModel):
    """Show the branch through this turn."""

    turn_id: str = Field(min_length=1, max_length=64)


class BranchOut(BaseModel):
    current_turn_id: str


class TurnAccepted(BaseModel):
    turn_id: str
    message_id: str
    conversation_id: str
    status: str = "started"


class AgentGrantIn(BaseModel):
    """A grant of a restricted agent, for a user or a whole department (admin routes)."""

    agent: str
    expires_at: datetime | None = None

    @field_validator("agent")
    @classmethod
    def _restricted(cls, v: str) -> str:
        if v not in RESTRICTED_AGENTS:
            raise ValueError(f"only {sorted(RESTRICTED_AGENTS)} need grants")
        return v

    @field_validator("expires_at")
    @classmethod
    def _future(cls, v: datetime | None) -> datetime | None:
        if v is not None:
            v = v if v.tzinfo else v.replace(tzinfo=UTC)
            if v <= datetime.now(UTC):
                raise ValueError("expires_at must be in the future")
        return v
