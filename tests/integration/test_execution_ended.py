"""EventBridge's status change of a research (Standard) run that ended without its Catch (timed out,
aborted): the failure function marks the turn's placeholder failed and tells the user's sockets."""

from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.integration


def _research_turn(db, *, answer_status: str) -> dict:
    """A deep-research turn whose worker stored its placeholder answer (as the research run starts)."""
    from portal.db.repositories import conversations, messages, users

    users.upsert_from_claims(db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[])
    conversation = conversations.create(db, user_empno="E1001", title=None)
    turn_id = str(uuid.uuid4())
    question = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content="조사해 주세요", metadata={}
    )
    messages.save_assistant_message(
        db,
        conversation_id=conversation.id,
        turn_id=turn_id,
        content="심층 리서치를 시작합니다.",
        status=answer_status,  # type: ignore[arg-type]
        agent_type="deep_research",
        model_used=None,
        metadata={},
    )
    return {
        "turn_id": turn_id,
        "conversation_id": conversation.id,
        "message_id": question.id,
        "empno": "E1001",
        "workspace_id": None,
        "options": {},
        "route": {"agent": "deep_research", "confidence": 1.0, "reason": "toggle", "decided_by": "toggle"},
    }


def _status_change(status: str, execution_input: dict) -> dict:
    """The event EventBridge delivers (shape from the Step Functions events reference)."""
    arn = (
        "arn:aws:states:ap-northeast-2:123456789012:execution:portal-dev-research:"
        + execution_input["turn_id"]
    )
    return {
        "version": "0",
        "source": "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        "detail": {
            "executionArn": arn,
            "stateMachineArn": arn.rsplit(":", 1)[0].replace(":execution:", ":stateMachine:"),
            "name": execution_input["turn_id"],
            "status": status,
            "input": json.dumps(execution_input),
            "error": None,
            "cause": None,
        },
    }


def test_an_aborted_research_run_marks_its_turn_failed_and_tells_the_user(db, aws: dict) -> None:
    from portal import aws as portal_aws
    from portal.db.repositories import messages
    from portal.local.functions import invoke
    from portal.realtime.stream import finished_event
    from portal.settings import get_settings

    # Given a research run whose turn still shows the "streaming" placeholder
    turn = _research_turn(db, answer_status="streaming")

    # When an operator aborts the run and EventBridge delivers its status change to the failure function
    result, error = invoke("portal-failure", _status_change("ABORTED", turn))

    # Then the turn is failed, saying why, and its stream ends with the error event
    assert error is None, result
    answer = messages.get_turn_message(db, turn_id=turn["turn_id"], role="assistant")
    assert answer is not None and answer.status == "failed"
    assert answer.metadata["error"].startswith("States.ABORTED")
    closing = finished_event(portal_aws.dynamodb_table(get_settings().stream_table), turn["turn_id"])
    assert closing is not None and closing["type"] == "error" and closing["code"] == "turn_failed"


def test_a_run_whose_catch_already_failed_the_turn_is_left_alone(db, aws: dict) -> None:
    from portal.db.repositories import messages
    from portal.local.functions import invoke

    # Given a turn the research machine's own Catch already marked failed
    turn = _research_turn(db, answer_status="failed")
    before = messages.get_turn_message(db, turn_id=turn["turn_id"], role="assistant")

    # When the FAILED status change arrives
    result, error = invoke("portal-failure", _status_change("FAILED", turn))

    # Then nothing is written again
    assert error is None and result["status"] == "already_failed"
    assert messages.get_turn_message(db, turn_id=turn["turn_id"], role="assistant") == before


def test_a_run_that_succeeded_is_ignored(db, aws: dict) -> None:
    from portal.db.repositories import messages
    from portal.local.functions import invoke

    turn = _research_turn(db, answer_status="completed")
    result, error = invoke("portal-failure", _status_change("SUCCEEDED", turn))
    assert error is None and result["status"] == "ignored"
    assert messages.get_turn_message(db, turn_id=turn["turn_id"], role="assistant").status == "completed"
