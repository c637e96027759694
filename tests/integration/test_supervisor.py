"""The supervisor's precedence, candidates and route trace, over real PostgreSQL and moto."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from portal.agents import supervisor
from portal.agents.turn import TurnInput, TurnOptions
from portal.db.repositories import conversations, messages, permissions, preferences, users
from portal.db.repositories.preferences import FeaturePreferences

from tests.scripted import ScriptedModel

pytestmark = pytest.mark.integration


@pytest.fixture
def workers_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend every agent has a worker, so routing (not wiring) is what these tests see."""
    from portal.agents import registry

    monkeypatch.setattr(supervisor, "WORKERS", {a: a for a in registry.ALL_AGENTS})


def _turn(db, text: str, *, empno: str = "E1", admin: bool = False, **options: object) -> TurnInput:
    users.upsert_from_claims(
        db, empno=empno, name_ko="테스터", company=None, company_code="C", roles=["admin"] if admin else []
    )
    conversation = conversations.create(db, user_empno=empno, title=None)
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=text, metadata={}
    )
    return TurnInput(
        turn_id=turn_id,
        conversation_id=conversation.id,
        message_id=message.id,
        empno=empno,
        options=TurnOptions(**options),  # type: ignore[arg-type]
    )


def test_the_classifier_decides_when_confident(db, aws, workers_all) -> None:
    decision = supervisor.route(_turn(db, "Canvas에 신제품 출시 보고서 초안을 작성해줘"))
    assert (decision.agent, decision.decided_by) == ("canvas", "classifier")
    assert decision.confidence >= 0.55 and decision.reason


def test_a_toggle_wins_over_the_classifier(db, aws, workers_all) -> None:
    decision = supervisor.route(_turn(db, "부가세 신고 기한 알려줘", toggle="deep_research"))
    assert (decision.agent, decision.decided_by) == ("deep_research", "toggle")


def test_an_explicit_agent_wins_and_carries_a_suggestion_when_another_fits_clearly(
    db, aws, workers_all
) -> None:
    decision = supervisor.route(
        _turn(db, "이번 분기 부가세 신고 기한과 원천징수 신고 방법 알려줘", admin=True, agent="general")
    )
    assert (decision.agent, decision.decided_by) == ("general", "explicit")
    assert decision.suggestion and decision.suggestion["agent"] == "tax"


def test_restricted_agents_are_not_candidates_without_a_grant(db, aws, workers_all) -> None:
    decision = supervisor.route(_turn(db, "이번 분기 부가세 신고 기한과 원천징수 신고 방법 알려줘"))
    assert decision.agent != "tax"
    assert "tax" not in dict(decision.runners_up)


def test_a_live_grant_makes_the_agent_a_candidate_and_an_expired_one_does_not(db, aws, workers_all) -> None:
    text = "이번 분기 부가세 신고 기한과 원천징수 신고 방법 알려줘"
    turn = _turn(db, text)
    permissions.grant(
        db, empno="E1", agent_type="tax", granted_by="E1", expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    assert supervisor.route(turn).agent == "tax"
    db.execute("UPDATE user_agent_permissions SET expires_at = now() - interval '1 minute'")
    from portal.agents.access import forget_access

    forget_access("E1")
    assert supervisor.route(turn).agent != "tax"


def test_switched_off_features_are_not_candidates(db, aws, workers_all) -> None:
    turn = _turn(db, "Canvas에 신제품 출시 보고서 초안을 작성해줘")
    preferences.save(db, empno="E1", prefs=FeaturePreferences(enable_canvas_mode=False))
    assert supervisor.route(turn).agent != "canvas"


def test_web_search_is_not_a_candidate_without_a_search_provider(db, aws, workers_all) -> None:
    decision = supervisor.route(_turn(db, "오늘 원달러 환율 최신 뉴스 검색해줘"))
    assert decision.agent != "web_search"


def test_an_unsure_classifier_asks_the_llm(db, aws, workers_all, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.llm import service

    model = ScriptedModel(['{"agent": "canvas", "reason": "wants a document"}'], name="anthropic")
    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": model, "offline": ScriptedModel([], name="offline")}
    )
    decision = supervisor.route(_turn(db, "음 그거 좀 해볼까"))
    assert (decision.agent, decision.decided_by) == ("canvas", "llm")
    assert "wants a document" in decision.reason
    assert "canvas" in model.requests[0].system


def test_an_llm_reply_naming_no_candidate_leaves_the_classifier_decision(
    db, aws, workers_all, monkeypatch
) -> None:
    from portal.llm import service

    model = ScriptedModel(['{"agent": "tax"}', "no json at all"], name="anthropic")
    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": model, "offline": ScriptedModel([], name="offline")}
    )
    decision = supervisor.route(_turn(db, "음 그거 좀 해볼까"))
    assert decision.decided_by == "classifier"


def test_without_a_worker_general_answers_and_the_trace_says_so(db, aws, monkeypatch) -> None:
    # Given a deployment where the tax worker is not wired (e.g. mid-rollout)
    monkeypatch.setattr(supervisor, "WORKERS", {"general": "GeneralWorker"})
    decision = supervisor.route(_turn(db, "hello", admin=True, agent="tax"))
    assert (decision.agent, decision.decided_by, decision.requested_agent) == ("general", "fallback", "tax")


def test_an_attached_uploaded_file_is_classified_by_its_name(db, aws, workers_all) -> None:
    from portal.db.repositories import files

    # Given a file the user uploaded, attached to a question by its id (as the UI sends it)
    users.upsert_from_claims(db, empno="E1", name_ko="테스터", company=None, company_code="C", roles=[])
    file_id = str(uuid.uuid4())
    files.create(
        db,
        file_id=file_id,
        user_empno="E1",
        workspace_id=None,
        original_name="출장비-규정.pdf",
        stored_name="x.pdf",
        file_type="pdf",
        file_size=100,
        mime_type="application/pdf",
        storage_path=f"uploads/E1/{file_id}/x.pdf",
    )
    turn = _turn(db, "이 문서 요약해줘", attachments=[file_id])
    # Then the supervisor sees it as a PDF and routes to the files agent
    assert supervisor.route(turn).agent == "multimodal_rag"


def test_someone_elses_file_id_gives_no_attachment_cue(db, aws, workers_all) -> None:
    from portal.db.repositories import files

    users.upsert_from_claims(db, empno="OTHER", name_ko="타인", company=None, company_code="X", roles=[])
    file_id = str(uuid.uuid4())
    files.create(
        db,
        file_id=file_id,
        user_empno="OTHER",
        workspace_id=None,
        original_name="secret.pdf",
        stored_name="x.pdf",
        file_type="pdf",
        file_size=100,
        mime_type="application/pdf",
        storage_path=f"uploads/OTHER/{file_id}/x.pdf",
    )
    turn = _turn(db, "이 문서 요약해줘", attachments=[file_id])
    assert supervisor.attachment_names(db, turn, "C") == []


def test_the_intent_calls_tokens_and_cost_are_stored_on_the_answer(db, aws, monkeypatch) -> None:
    from portal.agents.runner import run_worker
    from portal.agents.workers.general import answer
    from portal.llm import service

    # Given an unsure message: the intent call and the answer both go to the (scripted) Claude
    model = ScriptedModel(['{"agent": "general", "reason": "chat"}', "네, 도와드릴게요."], name="anthropic")
    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": model, "offline": ScriptedModel([], name="offline")}
    )
    turn = _turn(db, "음 그거 좀 해볼까")
    route = supervisor.route(turn)
    assert route.decided_by == "llm" and route.calls[0]["purpose"] == "intent"
    # When the worker answers
    run_worker({**turn.model_dump(), "route": route.model_dump()}, answer)
    stored = messages.get_turn_message(db, turn_id=turn.turn_id, role="assistant")
    # Then the message's totals include both calls, and the breakdown names each
    calls = stored.metadata["calls"]
    assert [c["purpose"] for c in calls] == ["intent", "answer"]
    assert stored.input_tokens == sum(c["input_tokens"] for c in calls)
    assert stored.output_tokens == sum(c["output_tokens"] for c in calls)
    assert stored.cost_usd == pytest.approx(sum(c["cost_usd"] for c in calls), abs=1e-6)
    assert stored.cost_usd > 0
