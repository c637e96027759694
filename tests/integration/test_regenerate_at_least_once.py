"""Regenerate under the at-least-once rule: a regenerated turn's worker delivered twice.

Step Functions Express runs an execution at least once, a Lambda task may be retried, and two
deliveries of one turn may race. A regenerated turn is a turn like any other, and its answer is
stored by the one completion path (portal.agents.completion): whatever is delivered twice, the
regenerated branch holds exactly one answer, the earlier branch is untouched, and a regenerate the
user stopped stays stopped.

The worker runs as Lambda runs it (portal.local.functions.invoke: the deployed handler, with its
budget scope and deadline), fed the state machine's input for the regenerated turn.
"""

# The helpers and the fast_header fixture of the stop/edit tests, imported by name.
# ruff: noqa: F811

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.test_turn_controls import (  # noqa: F401  (fast_header: a fixture used by name)
    StopMidStream,
    _answers,
    _closing,
    _use,
    fast_header,
)

pytestmark = pytest.mark.integration

QUESTION = "분기 보고서 목차를 제안해 주세요"
FIRST_ANSWER = "1. 개요 2. 실적 3. 계획"
WORKER = "portal-worker-general"


def _as_api(stop: Callable[[], Any]) -> Callable[[], Any]:
    """The user's stop, called from inside the worker's model call, runs as the api function
    does in AWS (its own context): the IAM contract attributes each AWS call to the function
    whose context makes it, and the worker never stops research executions itself."""
    from portal.local.functions import running_function

    def as_api() -> Any:
        def run() -> Any:
            running_function.set("api")
            return stop()

        return contextvars.Context().run(run)

    return as_api


def _regenerated(db, *, model: str | None = "claude-haiku-4-5") -> tuple[dict[str, Any], str]:
    """An answered turn, regenerated through the turn controls (stored, not launched): the state
    machine's worker input for the new turn, and the earlier turn's id."""
    from portal.agents import turn_controls
    from portal.agents.turn import RouteDecision
    from portal.db.repositories import conversations, messages, users

    user = users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[]
    )
    conversation = conversations.create(db, user_empno="E1001", title=None)
    first = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=str(uuid.uuid4()), content=QUESTION, metadata={}
    )
    assert first.turn_id is not None
    messages.save_assistant_message(
        db,
        conversation_id=conversation.id,
        turn_id=first.turn_id,
        content=FIRST_ANSWER,
        status="completed",
        agent_type="general",
        model_used="offline",
    )
    started = turn_controls.regenerate(
        db, user=user, conversation=conversation, turn_id=first.turn_id, model=model
    )
    route = RouteDecision(agent="general", confidence=1, reason="test", decided_by="explicit")
    event = {**started.turn.model_dump(mode="json"), "route": route.model_dump(mode="json")}
    return event, first.turn_id


def _deliver(event: dict[str, Any]) -> dict[str, Any]:
    """One delivery of the worker task (Lambda's handler, in-process); fails on a function error."""
    from portal.local.functions import invoke

    result, error = invoke(WORKER, event)
    assert error is None, result
    return result


def _chunks(turn_id: str) -> list[tuple[int, str]]:
    from portal import aws as portal_aws
    from portal.realtime.stream import stored_chunks
    from portal.settings import get_settings

    table = portal_aws.dynamodb_table(get_settings().stream_table)
    return [(int(c["seq"]), str(c["text"])) for c in stored_chunks(table, turn_id, after_seq=0)]


def _all_answers(db, conversation_id: str) -> list[dict]:
    return db.fetch_all(
        "SELECT turn_id::text AS turn_id, status, content FROM messages"
        " WHERE conversation_id = :c::uuid AND role = 'assistant' ORDER BY created_at",
        {"c": conversation_id},
    )


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def test_a_regenerated_turn_delivered_twice_has_one_answer_and_the_retry_calls_no_model(
    db, aws, client: TestClient, auth: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.agents.failure import handle_failure

    from tests.scripted import ScriptedModel

    # Given a regenerated turn (another model chosen), and its worker's first delivery answering it
    event, earlier = _regenerated(db)
    model = ScriptedModel(["새로 생성한 목차: 1. 요약 2. 성과 3. 과제"], name="anthropic")
    _use(monkeypatch, model)
    first = _deliver(event)
    assert first["status"] == "completed" and len(model.requests) == 1
    assert model.requests[0].model_id == "claude-haiku-4-5-20251001"  # the model the regenerate chose
    [answer] = _answers(db, event["turn_id"])
    chunks = _chunks(event["turn_id"])

    # When the same task is delivered again (Lambda retried it; Express ran the execution twice),
    # and then the state machine's Catch runs for the retried attempt too
    again = ScriptedModel(["다른 답변이 끼어들면 안 됩니다"], name="anthropic")
    _use(monkeypatch, again)
    second = _deliver(event)
    caught = handle_failure({**event, "error": {"Error": "Lambda.Unknown", "Cause": "retried"}})

    # Then no model is called again, the same answer is returned, and the regenerated turn holds
    # exactly one answer, unchanged, with its stream neither extended nor rewritten
    assert again.requests == []
    assert second["message_id"] == first["message_id"] == answer["id"]
    assert second["status"] == "completed"
    assert caught["status"] == "already_completed"
    assert _answers(db, event["turn_id"]) == [answer]
    assert (
        answer["status"] == "completed" and answer["content"] == "새로 생성한 목차: 1. 요약 2. 성과 3. 과제"
    )
    assert _chunks(event["turn_id"]) == chunks
    closing = _closing(event["turn_id"])
    assert closing is not None and closing["type"] == "done" and closing["message_id"] == answer["id"]

    # And the conversation, as the API lists it: the regenerated branch with its one answer,
    # the earlier branch (one answer too) still reachable beside it
    assert [(a["turn_id"], a["status"]) for a in _all_answers(db, event["conversation_id"])] == [
        (earlier, "completed"),
        (event["turn_id"], "completed"),
    ]
    listed = client.get(f"/api/conversations/{event['conversation_id']}/messages", headers=auth).json()[
        "items"
    ]
    assert [(m["role"], m["turn_id"]) for m in listed] == [
        ("user", event["turn_id"]),
        ("assistant", event["turn_id"]),
    ]
    assert listed[0]["siblings"] == [earlier, event["turn_id"]]
    assert listed[0]["metadata"]["regenerated_from"] == earlier


def test_racing_deliveries_of_a_regenerated_turn_store_one_answer(
    db, aws, fast_header, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both deliveries pass the guard before either has stored: the one that completes first wins,
    the other stops at its next flush and its Catch leaves the stored answer alone."""
    from portal.agents.failure import handle_failure

    from tests.scripted import ScriptedModel

    event, _ = _regenerated(db)
    late = ScriptedModel(["두 번째 실행이 먼저 끝낸 답변"], name="anthropic")
    inner: list[dict[str, Any]] = []

    def deliver_again() -> None:
        # The duplicate delivery starts while the first is still streaming, and finishes first
        _use(monkeypatch, late)
        inner.append(_deliver(event))

    _use(monkeypatch, StopMidStream(["첫 ", "실행의 ", "답변 ", "조각"], stop_after=2, on_stop=deliver_again))

    # When the first delivery streams on after the duplicate answered the turn
    from portal.local.functions import invoke

    outcome, error = invoke(WORKER, event)

    # Then it stops (the turn was closed by the other delivery) and raises to its Catch...
    assert error == "Unhandled" and outcome["errorType"] == "TurnClosed", outcome
    caught = handle_failure(
        {**event, "error": {"Error": outcome["errorType"], "Cause": outcome["errorMessage"]}}
    )
    assert caught["status"] == "already_completed"

    # ...and the turn has the one answer of the delivery that completed, announced once
    [answer] = _answers(db, event["turn_id"])
    assert [r["status"] for r in inner] == ["completed"] and inner[0]["message_id"] == answer["id"]
    assert answer["status"] == "completed" and answer["content"] == "두 번째 실행이 먼저 끝낸 답변"
    closing = _closing(event["turn_id"])
    assert closing is not None and closing["type"] == "done" and closing["message_id"] == answer["id"]


def _after_the_guard(monkeypatch: pytest.MonkeyPatch, action) -> None:  # type: ignore[no-untyped-def]
    """Run `action` once, right after the completion's idempotency guard found nothing stored and
    before its write: the window in which another delivery, or the user's stop, can land."""
    from portal.agents import completion

    guard = completion.ended_answer
    fired: list[bool] = []

    def interleaved(db, stream):  # type: ignore[no-untyped-def]
        stored = guard(db, stream)
        if stored is None and not fired:
            fired.append(True)
            action()
        return stored

    monkeypatch.setattr(completion, "ended_answer", interleaved)


def test_the_completion_of_a_regenerated_turn_run_twice_keeps_one_answer(
    db, aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    """complete_turn run twice for the turn by two deliveries that both finished generating, the
    second inside the first's window between guard and write: one row, the one stored first,
    announced once; the later write neither adds a row nor rewrites the stored one."""
    from portal.agents.completion import FinalAnswer, complete_turn
    from portal.agents.runner import open_stream
    from portal.agents.turn import TurnInput

    event, _ = _regenerated(db)
    turn = TurnInput.model_validate(event)
    inner: list = []

    def other_delivery_completes() -> None:
        answer = FinalAnswer("다른 실행이 먼저 저장한 답변", "general", "claude-haiku-4-5")
        inner.append(complete_turn(db, open_stream(turn), turn, answer))

    _after_the_guard(monkeypatch, other_delivery_completes)
    outer = complete_turn(
        db, open_stream(turn), turn, FinalAnswer("나중 답변", "general", "claude-haiku-4-5")
    )
    again = complete_turn(
        db, open_stream(turn), turn, FinalAnswer("세 번째 답변", "general", "claude-haiku-4-5")
    )

    [first] = inner
    assert first.status == "completed" and first.content == "다른 실행이 먼저 저장한 답변"
    assert outer.id == again.id == first.id
    assert outer.content == again.content == "다른 실행이 먼저 저장한 답변"
    assert [(r["status"], r["content"]) for r in _answers(db, event["turn_id"])] == [
        ("completed", "다른 실행이 먼저 저장한 답변")
    ]
    closing = _closing(event["turn_id"])
    assert closing is not None and closing["type"] == "done" and closing["message_id"] == first.id


def test_a_stop_landing_between_the_regenerated_answer_s_guard_and_its_write_wins(
    db, aws, fast_header, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker generated the whole regenerated answer; the user's stop is stored after the
    completion's guard looked and before it wrote: the stop stands (and is charged in full)."""
    from portal.agents import turn_controls
    from portal.db.repositories import conversations

    from tests.scripted import ScriptedModel

    event, _ = _regenerated(db)
    conversation = conversations.get(db, conversation_id=event["conversation_id"])
    assert conversation is not None
    _use(monkeypatch, ScriptedModel(["끝까지 생성된 답변"], name="anthropic"))
    _after_the_guard(
        monkeypatch,
        _as_api(lambda: turn_controls.stop_turn(db, conversation=conversation, turn_id=event["turn_id"])),
    )

    result = _deliver(event)

    assert result["status"] == "stopped"
    [row] = _answers(db, event["turn_id"])
    assert row["status"] == "stopped" and row["id"] == result["message_id"]
    assert row["content"] == "끝까지 생성된 답변"  # every chunk had gone out before the stop
    assert row["output_tokens"] > 0 and float(row["cost_usd"]) > 0
    closing = _closing(event["turn_id"])
    assert closing is not None and closing["status"] == "stopped" and closing["message_id"] == row["id"]


def test_a_stopped_regenerate_is_not_resurrected_by_a_retried_delivery_or_a_late_completion(
    db, aws, client: TestClient, auth: dict, fast_header, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.agents import turn_controls
    from portal.agents.completion import FinalAnswer, complete_turn
    from portal.agents.failure import handle_failure
    from portal.agents.runner import open_stream
    from portal.agents.turn import TurnInput
    from portal.db.repositories import conversations

    from tests.scripted import ScriptedModel

    # Given a regenerate the user stopped mid-stream (through the turn controls, as the API does)
    event, earlier = _regenerated(db)
    conversation = conversations.get(db, conversation_id=event["conversation_id"])
    assert conversation is not None
    stopping = StopMidStream(
        ["다시 ", "만든 ", "답변의 ", "나머지"],
        stop_after=2,
        on_stop=_as_api(
            lambda: turn_controls.stop_turn(db, conversation=conversation, turn_id=event["turn_id"])
        ),
    )
    _use(monkeypatch, stopping)
    first = _deliver(event)
    assert first["status"] == "stopped"
    [stopped] = _answers(db, event["turn_id"])
    assert stopped["status"] == "stopped" and stopped["content"] == "다시 만든 "

    # When the worker task is delivered again, a delivery that had finished generating completes
    # late, and the Catch of a failed attempt runs
    again = ScriptedModel(["완전히 새 답변"], name="anthropic")
    _use(monkeypatch, again)
    retried = _deliver(event)
    turn = TurnInput.model_validate(event)
    late = complete_turn(
        db, open_stream(turn), turn, FinalAnswer("늦게 끝난 전체 답변", "general", "claude-haiku-4-5")
    )
    caught = handle_failure({**event, "error": {"Error": "Lambda.Unknown", "Cause": "retried"}})

    # Then the stop stands: no model call, one stopped answer with what the user was sent, the
    # closing event still the stop's, and a second stop is refused as already ended
    assert retried["status"] == "stopped" and retried["message_id"] == stopped["id"]
    assert again.requests == []
    assert late.status == "stopped" and late.id == stopped["id"]
    assert caught["status"] == "already_stopped"
    assert _answers(db, event["turn_id"]) == [stopped]
    closing = _closing(event["turn_id"])
    assert closing is not None and closing["status"] == "stopped" and closing["message_id"] == stopped["id"]
    refused = client.post(
        f"/api/conversations/{event['conversation_id']}/turns/{event['turn_id']}/stop", headers=auth
    )
    assert refused.status_code == 409 and refused.json()["error"]["status"] == "stopped"

    # And the API shows the regenerated branch stopped, the earlier branch's answer beside it
    listed = client.get(f"/api/conversations/{event['conversation_id']}/messages", headers=auth).json()[
        "items"
    ]
    assert [(m["role"], m["status"]) for m in listed] == [("user", "completed"), ("assistant", "stopped")]
    assert listed[1]["content"] == "다시 만든 "
    assert [(a["turn_id"], a["status"]) for a in _all_answers(db, event["conversation_id"])] == [
        (earlier, "completed"),
        (event["turn_id"], "stopped"),
    ]
