"""Repositories over real PostgreSQL: users, conversations, messages (keyed by turn)."""

from __future__ import annotations

import uuid

import pytest
from portal.db.repositories import conversations, messages, users

pytestmark = pytest.mark.integration


def _user(db, empno: str = "E1001") -> users.User:
    return users.upsert_from_claims(
        db, empno=empno, name_ko="홍길동", company="ACME", company_code="AC", roles=["user"]
    )


def test_user_upsert_creates_then_refreshes_claims(db) -> None:
    _user(db)
    updated = users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동2", company=None, company_code=None, roles=["admin"]
    )
    assert (updated.name_ko, updated.company, updated.is_admin) == ("홍길동2", "ACME", True)


def test_user_upsert_with_unchanged_claims_returns_the_row(db) -> None:
    first = _user(db)
    again = _user(db)
    assert again.updated_at == first.updated_at


def test_conversations_are_listed_by_recent_activity(db) -> None:
    _user(db)
    older = conversations.create(db, user_empno="E1001", title="older")
    newer = conversations.create(db, user_empno="E1001", title="newer")
    conversations.touch(db, conversation_id=older.id)
    assert [c.title for c in conversations.list_for_user(db, user_empno="E1001")] == ["older", "newer"]
    assert newer.id in {c.id for c in conversations.list_for_user(db, user_empno="E1001")}


def test_get_owned_hides_other_users_conversations(db) -> None:
    _user(db)
    _user(db, "E2")
    mine = conversations.create(db, user_empno="E1001", title=None)
    assert conversations.get_owned(db, conversation_id=mine.id, user_empno="E2") is None
    assert conversations.delete_owned(db, conversation_id=mine.id, user_empno="E2") is False


def test_turn_messages_are_written_once(db) -> None:
    _user(db)
    conversation = conversations.create(db, user_empno="E1001", title=None)
    turn = str(uuid.uuid4())
    first = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn, content="q", metadata={}
    )
    again = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn, content="q", metadata={}
    )
    assert first.id == again.id
    # A streaming answer is completed in place; a completed one is final (a late re-run writes nothing).
    for text, status in (("draft", "streaming"), ("final", "completed"), ("late", "completed")):
        answer = messages.save_assistant_message(
            db,
            conversation_id=conversation.id,
            turn_id=turn,
            content=text,
            status=status,
            agent_type="general",
            model_used="offline",
            input_tokens=3,
            output_tokens=4,
            cost_usd=0.0012,
        )
    listed = messages.list_for_conversation(db, conversation_id=conversation.id)
    assert [(m.role, m.content) for m in listed] == [("user", "q"), ("assistant", "final")]
    assert (answer.tokens_used, answer.cost_usd) == (7, pytest.approx(0.0012))


def test_a_user_message_names_shows_and_bumps_its_conversation_in_one_write(db) -> None:
    # Given an untitled conversation and an older titled one
    _user(db)
    untitled = conversations.create(db, user_empno="E1001", title=None)
    titled = conversations.create(db, user_empno="E1001", title="정한 제목")
    turn = str(uuid.uuid4())

    # When a turn's question is stored in each (the untitled one twice: a retried request)
    first = messages.add_user_message(
        db, conversation_id=untitled.id, turn_id=turn, content="q", metadata={}, title="첫 질문"
    )
    after_first = conversations.get(db, conversation_id=untitled.id)
    again = messages.add_user_message(
        db, conversation_id=untitled.id, turn_id=turn, content="q", metadata={}, title="다른 제목"
    )
    messages.add_user_message(
        db, conversation_id=titled.id, turn_id=str(uuid.uuid4()), content="q", metadata={}, title="x"
    )

    # Then the untitled one is named, shows the turn and moved up the list; a retry writes nothing
    assert after_first is not None
    assert after_first.title == "첫 질문"
    shown = db.fetch_one(
        "SELECT current_turn_id FROM conversations WHERE id = :id::uuid", {"id": untitled.id}
    )
    assert shown == {"current_turn_id": turn}
    assert after_first.updated_at > untitled.updated_at
    assert again.id == first.id
    assert conversations.get(db, conversation_id=untitled.id) == after_first
    # and a conversation with a title keeps it
    kept = conversations.get(db, conversation_id=titled.id)
    assert kept is not None and kept.title == "정한 제목"


def test_recent_excludes_the_current_turn_and_failed_answers(db) -> None:
    _user(db)
    conversation = conversations.create(db, user_empno="E1001", title=None)
    done, failed, current = (str(uuid.uuid4()) for _ in range(3))
    for turn, status in ((done, "completed"), (failed, "failed")):
        messages.add_user_message(
            db, conversation_id=conversation.id, turn_id=turn, content=f"q-{status}", metadata={}
        )
        messages.save_assistant_message(
            db,
            conversation_id=conversation.id,
            turn_id=turn,
            content=f"a-{status}",
            status=status,  # type: ignore[arg-type]
            agent_type="general",
            model_used=None,
        )
    messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=current, content="now", metadata={}
    )
    recent = messages.recent(db, conversation_id=conversation.id, limit=10, before_turn=current)
    assert [m.content for m in recent] == ["q-completed", "a-completed", "q-failed"]
