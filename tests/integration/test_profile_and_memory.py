"""After a turn: profile signals (unless opted out); long conversations are summarised."""

from __future__ import annotations

import uuid

import pytest
from portal.agents.profile import record_turn, topics
from portal.db.repositories import conversations, messages, preferences, users
from portal.db.repositories.preferences import FeaturePreferences

pytestmark = pytest.mark.integration


def test_topics_are_the_repeated_content_words_without_particles() -> None:
    assert topics("부가세 신고 기한은? 부가세를 언제 내나요? 신고 방법도")[:2] == ["부가세", "신고"]


def test_turn_signals_are_stored_once_per_turn(db) -> None:
    users.upsert_from_claims(db, empno="E1", name_ko="a", company=None, company_code=None, roles=[])
    turn = str(uuid.uuid4())
    for _ in range(2):
        record_turn(
            db,
            empno="E1",
            turn_id=turn,
            question="부가세 신고 기한",
            agent="tax",
            model="offline",
            collect=True,
        )
    rows = db.fetch_all("SELECT collected_data, confidence_score FROM profile_collection_logs")
    assert len(rows) == 1
    assert rows[0]["collected_data"]["language"] == "ko" and rows[0]["collected_data"]["agent"] == "tax"
    assert 0 <= rows[0]["confidence_score"] <= 1


def test_opted_out_users_leave_no_signals(db) -> None:
    users.upsert_from_claims(db, empno="E1", name_ko="a", company=None, company_code=None, roles=[])
    assert not record_turn(
        db, empno="E1", turn_id=str(uuid.uuid4()), question="x", agent="general", model=None, collect=False
    )
    assert db.fetch_one("SELECT count(*) AS n FROM profile_collection_logs")["n"] == 0


def test_a_turn_through_the_worker_records_signals_unless_opted_out(db, aws) -> None:
    from portal.agents.runner import run_worker
    from portal.agents.turn import RouteDecision, TurnInput
    from portal.agents.workers.general import answer

    users.upsert_from_claims(db, empno="E1", name_ko="a", company=None, company_code=None, roles=[])
    conversation = conversations.create(db, user_empno="E1", title=None)

    def turn(text: str) -> dict:
        turn_id = str(uuid.uuid4())
        message = messages.add_user_message(
            db, conversation_id=conversation.id, turn_id=turn_id, content=text, metadata={}
        )
        route = RouteDecision(agent="general", confidence=1, reason="test", decided_by="explicit")
        event = TurnInput(
            turn_id=turn_id, conversation_id=conversation.id, message_id=message.id, empno="E1"
        ).model_dump()
        return run_worker({**event, "route": route.model_dump()}, answer)

    turn("파이썬 리스트 정렬 방법")
    preferences.save(db, empno="E1", prefs=FeaturePreferences(ui_preferences={"profile_collection": False}))
    turn("파이썬 딕셔너리 정렬 방법")
    assert db.fetch_one("SELECT count(*) AS n FROM profile_collection_logs")["n"] == 1


def test_long_history_is_summarised_by_a_quick_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.agents.graphs.general import nodes as graph
    from portal.llm import service
    from portal.llm.base import ChatMessage

    from tests.scripted import ScriptedModel

    model = ScriptedModel(["- 이전 대화 요약"], name="anthropic")
    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": model, "offline": ScriptedModel([], name="offline")}
    )
    history = [
        ChatMessage(role="user" if i % 2 == 0 else "assistant", content="가" * 3000) for i in range(12)
    ]
    out = graph.remember({"question": "q", "history": history})
    assert out["summary"] == "- 이전 대화 요약"
    assert out["summary_call"]["purpose"] == "memory_summary" and out["summary_call"]["input_tokens"] > 0
    assert len(out["history"]) == graph.KEEP_RECENT_MESSAGES
    assert "Summarise" in model.requests[0].system
