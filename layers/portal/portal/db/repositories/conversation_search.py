"""The keyword index of a user's conversations (0007): stale rows found, rows written, matches read."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from portal.db.executor import Executor

_MAX_STATEMENT_BYTES = 256 * 1024  # the Data API's request limit leaves room for this


class Stale(BaseModel):
    """A message (or, message_id None, a title) whose text is not indexed as it is now."""

    conversation_id: str
    message_id: str | None
    text: str
    md5: str


class Match(BaseModel):
    conversation_id: str
    conversation_title: str | None
    message_id: str | None
    role: Literal["user", "assistant", "system"] | None
    text: str
    created_at: datetime
    rank: float


def stale(db: Executor, *, empno: str, limit: int) -> list[Stale]:
    """Up to `limit` of the user's own messages and titles not indexed or changed since."""
    rows = db.fetch_all(
        """
        SELECT m.conversation_id, m.id AS message_id, m.content AS text, md5(m.content) AS md5
        FROM conversations c JOIN messages m ON m.conversation_id = c.id
        LEFT JOIN conversation_search s ON s.message_id = m.id
        WHERE c.user_empno = :empno AND m.role IN ('user', 'assistant')
          AND (s.message_id IS NULL OR s.content_md5 <> md5(m.content))
        UNION ALL
        SELECT c.id, NULL, COALESCE(c.title, ''), md5(COALESCE(c.title, ''))
        FROM conversations c
        LEFT JOIN conversation_search s ON s.conversation_id = c.id AND s.message_id IS NULL
        WHERE c.user_empno = :empno AND (s.conversation_id IS NULL OR s.content_md5 <> md5(COALESCE(c.title, '')))
        LIMIT :limit
        """,
        {"empno": empno, "limit": limit},
    )
    return [Stale.model_validate(r) for r in rows]


def _groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: list[list[dict[str, Any]]] = [[]]
    size = 0
    for row in rows:
        row_size = sum(len(str(v)) for v in row.values()) * 3  # UTF-8 Hangul is 3 bytes
        if groups[-1] and size + row_size > _MAX_STATEMENT_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(row)
        size += row_size
    return groups


def write(db: Executor, rows: list[dict[str, Any]]) -> None:
    """Index rows {conversation_id, message_id|None, md5, keywords (a tsvector literal)}."""
    messages = [r for r in rows if r["message_id"] is not None]
    titles = [r for r in rows if r["message_id"] is None]
    record = "AS r(conversation_id uuid, message_id uuid, md5 text, keywords text)"
    for group in _groups(messages):
        db.execute(
            f"""
            INSERT INTO conversation_search (conversation_id, message_id, content_md5, keywords)
            SELECT r.conversation_id, r.message_id, r.md5, r.keywords::tsvector
            FROM jsonb_to_recordset(:rows::jsonb) {record}
            ON CONFLICT (message_id) WHERE message_id IS NOT NULL DO UPDATE SET
                content_md5 = EXCLUDED.content_md5, keywords = EXCLUDED.keywords
            """,
            {"rows": group},
        )
    for group in _groups(titles):
        db.execute(
            f"""
            INSERT INTO conversation_search (conversation_id, message_id, content_md5, keywords)
            SELECT r.conversation_id, NULL, r.md5, r.keywords::tsvector
            FROM jsonb_to_recordset(:rows::jsonb) {record}
            ON CONFLICT (conversation_id) WHERE message_id IS NULL DO UPDATE SET
                content_md5 = EXCLUDED.content_md5, keywords = EXCLUDED.keywords
            """,
            {"rows": group},
        )


def matches(db: Executor, *, empno: str, query: str, limit: int, per_conversation: int) -> list[Match]:
    """The user's messages and titles whose keywords match the tsquery literal, best first,
    at most `per_conversation` from one conversation."""
    rows = db.fetch_all(
        """
        WITH hits AS (
            SELECT s.conversation_id, s.message_id, ts_rank(s.keywords, :query::tsquery) AS rank
            FROM conversation_search s JOIN conversations c ON c.id = s.conversation_id
            WHERE c.user_empno = :empno AND s.keywords @@ :query::tsquery
        ), ranked AS (
            SELECT h.*, row_number() OVER (PARTITION BY h.conversation_id
                                           ORDER BY h.message_id IS NULL DESC, h.rank DESC) AS nth
            FROM hits h
        )
        SELECT r.conversation_id, c.title AS conversation_title, r.message_id, m.role,
               COALESCE(m.content, c.title, '') AS text, COALESCE(m.created_at, c.updated_at) AS created_at,
               r.rank
        FROM ranked r JOIN conversations c ON c.id = r.conversation_id
        LEFT JOIN messages m ON m.id = r.message_id
        WHERE r.nth <= :per_conversation
        ORDER BY max(r.rank) OVER (PARTITION BY r.conversation_id) DESC, c.updated_at DESC,
                 r.conversation_id, r.nth
        LIMIT :limit
        """,
        {"empno": empno, "query": query, "limit": limit, "per_conversation": per_conversation},
    )
    return [Match.model_validate(r) for r in rows]
