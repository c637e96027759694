"""Feedback on an answer: thumbs up or down and an optional comment, one per user and message.

Whoever can read the conversation (its owner, members of its workspace) may rate its answers.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from portal.api.deps import CurrentUser, Db, readable_or_404
from portal.api.ids import uuid_or_404
from portal.db.repositories import feedback, messages
from portal.db.repositories.feedback import Feedback
from portal.errors import BadRequest, NotFound

router = APIRouter(prefix="/messages", tags=["feedback"])


class NotAnAnswer(BadRequest):
    code = "not_an_answer"


MAX_COMMENT_CHARS = 2000


class FeedbackIn(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)

    @field_validator("comment")
    @classmethod
    def _strip(cls, v: str | None) -> str | None:
        return (v.strip() or None) if v is not None else None


class FeedbackOut(BaseModel):
    message_id: str
    rating: Literal["up", "down"]
    comment: str | None

    @classmethod
    def of(cls, f: Feedback) -> FeedbackOut:
        return cls(message_id=f.message_id, rating="up" if f.rating > 0 else "down", comment=f.comment)


@router.post("/{message_id}/feedback", response_model=FeedbackOut)
def rate_answer(message_id: str, body: FeedbackIn, user: CurrentUser, db: Db) -> FeedbackOut:
    """Store the user's feedback on an answer (a second post replaces the first)."""
    message = messages.get(db, message_id=uuid_or_404(message_id, "Message"))
    if message is None:
        raise NotFound("Message not found")
    readable_or_404(db, user, message.conversation_id)  # 404 alike for messages the user cannot read
    if message.role != "assistant":
        raise NotAnAnswer("답변에만 피드백을 남길 수 있습니다.")
    saved = feedback.put(
        db,
        message_id=message.id,
        empno=user.empno,
        rating=1 if body.rating == "up" else -1,
        comment=body.comment,
    )
    return FeedbackOut.of(saved)
