"""Administrators review the feedback users left on answers (newest first, with the question)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from portal.api.deps import AdminUser, Db
from portal.db.repositories import feedback
from portal.db.repositories.feedback import FeedbackReview

router = APIRouter(prefix="/admin/feedback", tags=["admin"])


class FeedbackPage(BaseModel):
    items: list[FeedbackReview]
    # Pass as `before` for the next (older) page; null on the last page.
    next_before: datetime | None = None


@router.get("", response_model=FeedbackPage)
def list_feedback(
    _admin: AdminUser,
    db: Db,
    rating: Literal["up", "down"] | None = Query(None, description="only thumbs up or only thumbs down"),
    before: datetime | None = Query(None, description="only feedback older than this (paging)"),
    limit: int = Query(50, ge=1, le=200),
) -> FeedbackPage:
    items = feedback.review(
        db, rating=None if rating is None else (1 if rating == "up" else -1), limit=limit, before=before
    )
    return FeedbackPage(items=items, next_before=items[-1].updated_at if len(items) == limit else None)
