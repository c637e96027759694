"""Full-text search over a user's own conversations, Korean-aware like file retrieval.

The same tokens as RAG keyword search (portal.rag.tokens: Korean stems in character bigrams,
folded Latin words), so "부가가치세를 신고하려면" finds a message saying "부가가치세 신고는".
Every word of the query must match (AND): a conversation list is searched for a thing the
user remembers, not ranked for relevance like retrieval's OR. A one-syllable Korean word and
Latin words match as prefixes ("세" finds 세금, "pyth" finds python). Conversations shared with
the user are not searched: the search covers what they wrote and were answered.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from portal.conversations.highlight import Part, snippet
from portal.db.executor import Executor
from portal.db.repositories import conversation_search
from portal.rag.tokens import tokenize, tsvector_literal

MAX_QUERY_CHARS = 200
_INDEX_BATCH = 2000  # rows indexed per round, so a first search of a long history is bounded
_MAX_ROUNDS = 50
_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")


class Hit(BaseModel):
    conversation_id: str
    conversation_title: str | None
    message_id: str | None  # None: the title matched
    role: str | None
    created_at: str
    parts: list[Part]


def refresh_index(db: Executor, *, empno: str) -> int:
    """Index the user's messages and titles written or changed since the last search; how many."""
    done = 0
    for _ in range(_MAX_ROUNDS):
        stale = conversation_search.stale(db, empno=empno, limit=_INDEX_BATCH)
        if not stale:
            break
        conversation_search.write(
            db,
            [
                {
                    "conversation_id": s.conversation_id,
                    "message_id": s.message_id,
                    "md5": s.md5,
                    "keywords": tsvector_literal(tokenize(s.text)),
                }
                for s in stale
            ],
        )
        done += len(stale)
        if len(stale) < _INDEX_BATCH:
            break
    return done


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(query: str) -> str:
    """An AND of the query's tokens as a tsquery literal; '' when the query has no searchable word."""
    parts = []
    for token in dict.fromkeys(tokenize(query)):
        single_syllable = len(token) == 1 and _HANGUL_SYLLABLE.fullmatch(token) is not None
        prefix = single_syllable or not _HANGUL_SYLLABLE.match(token)
        parts.append(_quote(token) + (":*" if prefix else ""))
    return " & ".join(parts)


def search(db: Executor, *, empno: str, query: str, limit: int = 30) -> list[Hit]:
    """The user's messages and conversation titles containing every word of the query, best first."""
    literal = tsquery(query)
    if not literal:
        return []
    refresh_index(db, empno=empno)
    found = conversation_search.matches(db, empno=empno, query=literal, limit=limit, per_conversation=3)
    return [
        Hit(
            conversation_id=m.conversation_id,
            conversation_title=m.conversation_title,
            message_id=m.message_id,
            role=m.role,
            created_at=m.created_at.isoformat(),
            parts=snippet(m.text, query),
        )
        for m in found
    ]
