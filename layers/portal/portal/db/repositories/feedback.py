"""Feedback on answers (message_feedback): one thumbs up/down and comment per user and message."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from portal.db.executor import Executor

Rating = Literal[-1, 1]


class Feedback(BaseModel):
    message_id: str
    user_empno: str
    rating: int
    comment: str | None
    created_at: datetime
    updated_at: datetime


class FeedbackReview(Feedback):
    """A feedback row as an administrator reviews it: with the answer and its question."""

    user_name: str | None = None
    conversation_id: str
    agent_type: str | None = None
    model_used: str | None = None
    answer: str
    question: str | None = None


_COLUMNS = "message_id, user_empno, rating, comment, created_at, updated_at"


def put(db: Executor, *, message_id: str, empno: str, rating: Rating, comment: str | None) -> Feedback:
    """Store (or replace) the user's feedback on an answer."""
    row = db.fetch_one(
        f"""
        INSERT INTO message_feedback (message_id, user_empno, rating, comment)
        VALUES (:message_id::uuid, :empno, :rating, :comment)
        ON CONFLICT (message_id, user_empno) DO UPDATE SET
            rating = EXCLUDED.rating, comment = EXCLUDED.comment, updated_at = NOW()
        RETURNING {_COLUMNS}
        """,
        {"message_id": message_id, "empno": empno, "rating": rating, "comment": comment},
    )
    assert row is not None
    return Feedback.model_validate(row)


def mine(db: Executor, *, conversation_id: str, empno: str) -> dict[str, Feedback]:
    """The user's feedback on a conversation's answers, by message id."""
    rows = db.fetch_all(
        f"""
        SELECT {", ".join("f." + c.strip() for c in _COLUMNS.split(","))} FROM message_feedback f
        JOIN messages m ON m.id = f.message_id
        WHERE m.conversation_id = :conversation_id::uuid AND f.user_empno = :empno
        """,
        {"conversation_id": conversation_id, "empno": empno},
    )
    return {str(r["message_id"]): Feedback.model_validate(r) for r in rows}


def review(
    db: Executor, *, rating: Rating | None, limit: int, before: datetime | None
) -> list[FeedbackReview]:
    """The newest feedback first (optionally only thumbs up or down), with answer and question."""
    rows = db.fetch_all(
        f"""
        SELECT {", ".join("f." + c.strip() for c in _COLUMNS.split(","))}, u.name_ko AS user_name,
               a.conversation_id, a.agent_type, a.model_used, a.content AS answer, q.content AS question
        FROM message_feedback f
        JOIN messages a ON a.id = f.message_id
        LEFT JOIN messages q ON q.turn_id = a.turn_id AND q.role = 'user'
        LEFT JOIN users u ON u.empno = f.user_empno
        WHERE (:rating::smallint IS NULL OR f.rating = :rating::smallint)
          AND (:before::timestamptz IS NULL OR f.updated_at < :before::timestamptz)
        ORDER BY f.updated_at DESC, f.message_id LIMIT :limit
        """,
        {"rating": rating, "limit": limit, "before": before},
    )
    return [FeedbackReview.model_validate(r) for r in rows]
