"""`?wait=true` after the wait: the stored answer when there is one, else nothing (the API answers 202)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _question(db) -> str:
    from portal.db.repositories import conversations, messages, users

    users.upsert_from_claims(db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[])
    conversation = conversations.create(db, user_empno="E1001", title=None)
    turn_id = str(uuid.uuid4())
    messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content="질문", metadata={}
    )
    return turn_id


def test_no_answer_within_the_budget_is_none_after_waiting_the_budget(db) -> None:
    from portal.agents.waiting import wait_for_answer

    # Given a turn nobody answers
    turn_id, time = _question(db), FakeTime()

    # When the API waits 25 s for it
    answer = wait_for_answer(db, turn_id=turn_id, budget=25.0, clock=time.clock, sleep=time.sleep)

    # Then there is nothing to return (the API answers 202), and it waited no longer than asked
    assert answer is None
    assert 20.0 < time.now <= 25.0


def test_a_stored_answer_is_returned_at_once(db) -> None:
    from portal.agents.waiting import wait_for_answer
    from portal.db.repositories import messages

    # Given a turn whose answer is stored
    turn_id, time = _question(db), FakeTime()
    question = messages.get_turn_message(db, turn_id=turn_id, role="user")
    messages.save_assistant_message(
        db,
        conversation_id=question.conversation_id,
        turn_id=turn_id,
        content="답변",
        status="completed",
        agent_type="general",
        model_used=None,
        metadata={},
    )

    # When the API waits for it / Then it gets the answer without sleeping
    answer = wait_for_answer(db, turn_id=turn_id, budget=25.0, clock=time.clock, sleep=time.sleep)
    assert answer is not None and answer.content == "답변"
    assert time.now == 0.0
