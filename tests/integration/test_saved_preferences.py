"""Saved things take effect: the default model and priority drive the model choice (a message's own
model wins), and the profile summary reaches the general and domain prompts unless opted out."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


def _run_general(db, monkeypatch: pytest.MonkeyPatch, text: str, *, model: str | None = None):  # type: ignore[no-untyped-def]
    """Run the general worker on a new turn of E1 with a scripted Claude; returns the model's requests."""
    from portal.agents.runner import run_worker
    from portal.agents.turn import RouteDecision, TurnInput, TurnOptions
    from portal.agents.workers.general import answer
    from portal.db.repositories import conversations, messages
    from portal.llm import service

    from tests.scripted import ScriptedModel

    scripted = ScriptedModel(["답변입니다."], name="anthropic")
    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": scripted, "offline": ScriptedModel([], name="offline")}
    )
    conversation = conversations.create(db, user_empno="E1", title=None)
    turn_id = str(uuid.uuid4())
    question = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=text, metadata={}
    )
    route = RouteDecision(agent="general", confidence=1, reason="test", decided_by="explicit")
    event = TurnInput(
        turn_id=turn_id,
        conversation_id=conversation.id,
        message_id=question.id,
        empno="E1",
        options=TurnOptions(model=model),
    ).model_dump()
    result = run_worker({**event, "route": route.model_dump()}, answer)
    return scripted.requests, result


@pytest.fixture
def user(db) -> None:
    from portal.db.repositories import users

    users.upsert_from_claims(db, empno="E1", name_ko="김철수", company=None, company_code=None, roles=[])


def test_the_saved_default_model_is_used_and_a_messages_own_model_wins(db, aws, user, monkeypatch) -> None:
    from portal.db.repositories import preferences
    from portal.db.repositories.preferences import FeaturePreferences
    from portal.llm.catalog import get_model

    # Without a saved model the router picks by task (not haiku for an analytical question)
    question = "우리 회사 클라우드 비용 구조를 분석하고 절감 전략을 비교해 주세요"
    requests, _ = _run_general(db, monkeypatch, question)
    assert requests[0].model_id != get_model("claude-haiku-4-5").model_id

    # With haiku saved as the default, the chain starts at haiku
    preferences.save(db, empno="E1", prefs=FeaturePreferences(model_preference={"model": "claude-haiku-4-5"}))
    requests, result = _run_general(db, monkeypatch, question)
    assert requests[0].model_id == get_model("claude-haiku-4-5").model_id
    assert result["model"] == "claude-haiku-4-5"

    # A model named on the message wins over the saved one
    requests, result = _run_general(db, monkeypatch, question, model="claude-opus-4-6")
    assert requests[0].model_id == get_model("claude-opus-4-6").model_id


def test_the_saved_priority_weighs_the_choice(db, aws, user, monkeypatch) -> None:
    from portal.db.repositories import preferences
    from portal.db.repositories.preferences import FeaturePreferences
    from portal.llm.catalog import get_model

    question = "회의록 초안을 만들어 주세요. 참석자는 다섯 명이고 안건은 세 가지입니다."
    requests, _ = _run_general(db, monkeypatch, question)
    balanced = requests[0].model_id
    assert balanced == get_model("claude-haiku-4-5").model_id
    preferences.save(db, empno="E1", prefs=FeaturePreferences(model_preference={"priority": "quality"}))
    requests, _ = _run_general(db, monkeypatch, question)
    assert requests[0].model_id == get_model("claude-sonnet-4-6").model_id


def test_a_retired_saved_model_is_ignored() -> None:
    from portal.llm.preference import saved_model, saved_priority

    saved = {"model": "claude-2", "priority": "nonsense"}
    assert (saved_model(saved), saved_priority(saved).value) == (None, "balanced")
    saved = {"model": "claude-haiku-4-5", "priority": "quality"}
    assert (saved_model(saved), saved_priority(saved).value) == ("claude-haiku-4-5", "quality")


def test_profile_signals_are_summarised_and_used_in_the_prompt_unless_opted_out(
    db, aws, user, monkeypatch
) -> None:
    from portal.db.repositories import preferences, users
    from portal.db.repositories.preferences import FeaturePreferences

    # Given a user who asked about VAT twice
    _run_general(db, monkeypatch, "부가세 신고 기한이 언제인가요?")
    _run_general(db, monkeypatch, "부가세 환급은 어떻게 받나요?")

    # Then their profile summary names the topic, and the next prompt carries it
    profile = users.get(db, empno="E1").profile_data
    assert "부가세" in profile["topics"] and profile["turns"] == 2 and profile["language"] == "ko"
    requests, _ = _run_general(db, monkeypatch, "오늘 점심 메뉴 추천")
    assert "부가세" in requests[0].system

    # When they opt out, the summary is neither extended nor used
    preferences.save(db, empno="E1", prefs=FeaturePreferences(ui_preferences={"profile_collection": False}))
    requests, _ = _run_general(db, monkeypatch, "법인세 신고")
    assert "부가세" not in requests[0].system and "earlier conversations" not in requests[0].system
    assert users.get(db, empno="E1").profile_data["turns"] == 3


def test_the_domain_prompt_carries_the_profile() -> None:
    from portal.agents.workers.domain_prompts import domain_system_prompt

    line = "From earlier conversations: the user often asks about 부가세."
    assert line in domain_system_prompt("tax", name="a", company=None, tool_names=[], user_profile=line)
    assert "earlier conversations" not in domain_system_prompt("tax", name="a", company=None, tool_names=[])


def test_the_user_sees_and_deletes_their_profile(database_url, aws, db) -> None:
    from portal.agents.profile import record_turn
    from portal.api.app import create_app

    from tests.conftest import make_token

    client = TestClient(create_app())
    auth = {"Authorization": f"Bearer {make_token('E1')}"}
    assert client.get("/api/me/profile", headers=auth).json()["topics"] == []
    for text in ("부가세 신고", "부가세 환급"):
        record_turn(
            db, empno="E1", turn_id=str(uuid.uuid4()), question=text, agent="tax", model=None, collect=True
        )
    shown = client.get("/api/me/profile", headers=auth).json()
    assert shown["collecting"] is True and "부가세" in shown["topics"] and shown["agents"] == ["tax"]

    assert client.delete("/api/me/profile", headers=auth).status_code == 204
    assert client.get("/api/me/profile", headers=auth).json()["topics"] == []
    assert db.fetch_one("SELECT count(*) AS n FROM profile_collection_logs WHERE empno = 'E1'")["n"] == 0
