"""Turn controls under the at-least-once rule: stop, regenerate, edit-and-resend, branches.

A chat turn's Express execution may run twice, its Catch may run after a stop, and its worker may
finish after the user pressed stop: whatever the order, a stopped turn stays stopped (one answer
row, the text the user was sent, the cost of what was generated), and a regenerated or edited
turn is one more branch beside the earlier one, which stays reachable.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


class StopMidStream:
    """A model that streams its reply, and after `stop_after` pieces lets the user press stop."""

    name = "anthropic"
    supports_tools = False

    def __init__(self, pieces: list[str], *, stop_after: int, on_stop: Callable[[], None]) -> None:
        self.pieces, self.stop_after, self.on_stop = pieces, stop_after, on_stop
        self.calls = 0
        self.yielded = 0

    def stream(self, request) -> Iterator:  # type: ignore[no-untyped-def]
        from portal.llm.base import Completed, TextDelta, Usage

        self.calls += 1
        for index, piece in enumerate(self.pieces):
            if index == self.stop_after:
                self.on_stop()
                time.sleep(0.01)
            self.yielded += 1
            yield TextDelta(piece)
        yield Completed(Usage(100, 50), request.model_id, "end_turn")


@pytest.fixture
def fast_header(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's stream looks at its header on every flush (the default is every 0.5 s)."""
    from portal import aws as portal_aws
    from portal import services
    from portal.agents import runner
    from portal.realtime.stream import TurnStream
    from portal.settings import get_settings

    def open_stream(turn):  # type: ignore[no-untyped-def]
        settings = get_settings()
        return TurnStream(
            turn_id=turn.turn_id,
            recipients=lambda: runner.recipients(turn),
            sender=services.sender(),
            chunk_table=portal_aws.dynamodb_table(settings.stream_table),
            min_chars=1,
            min_interval=0,
            header_poll=0,
        )

    # Wherever a turn's stream is opened: the worker, the completion paths and the user's stop.
    from portal.agents import completion, turn_stream

    for module in (runner, completion, turn_stream):
        monkeypatch.setattr(module, "open_stream", open_stream)


def _turn(db, text: str = "부가세 신고 기한을 자세히 알려 주세요") -> dict:
    """A stored question whose worker has not run yet (the state machine's input for it)."""
    from portal.agents.turn import RouteDecision, TurnInput
    from portal.db.repositories import conversations, messages, users

    users.upsert_from_claims(db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[])
    conversation = conversations.create(db, user_empno="E1001", title=None)
    turn_id = str(uuid.uuid4())
    question = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=text, metadata={}
    )
    route = RouteDecision(agent="general", confidence=1, reason="test", decided_by="explicit")
    return {
        **TurnInput(
            turn_id=turn_id, conversation_id=conversation.id, message_id=question.id, empno="E1001"
        ).model_dump(),
        "route": route.model_dump(),
    }


def _use(monkeypatch: pytest.MonkeyPatch, model) -> None:  # type: ignore[no-untyped-def]
    from portal.llm import service

    from tests.scripted import ScriptedModel

    monkeypatch.setattr(
        service, "providers", lambda: {"anthropic": model, "offline": ScriptedModel([], name="offline")}
    )


def _stop(db, event: dict):  # type: ignore[no-untyped-def]
    from portal.agents import turn_controls
    from portal.db.repositories import conversations

    conversation = conversations.get(db, conversation_id=event["conversation_id"])
    return turn_controls.stop_turn(db, conversation=conversation, turn_id=event["turn_id"])


def _answers(db, turn_id: str) -> list[dict]:
    return db.fetch_all(
        "SELECT id::text AS id, status, content, cost_usd, output_tokens FROM messages"
        " WHERE turn_id = :t::uuid AND role = 'assistant'",
        {"t": turn_id},
    )


def _closing(turn_id: str) -> dict | None:
    from portal import aws as portal_aws
    from portal.realtime.stream import finished_event
    from portal.settings import get_settings

    return finished_event(portal_aws.dynamodb_table(get_settings().stream_table), turn_id)


def test_a_stop_mid_stream_keeps_what_was_streamed_and_charges_what_was_generated(
    db, aws, fast_header, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.agents.runner import run_worker
    from portal.agents.workers.general import answer

    # Given a turn whose model streams ten pieces, and the user presses stop after the third
    event = _turn(db)
    stopped: list = []
    model = StopMidStream(
        [f"문장 {i}입니다. " for i in range(10)],
        stop_after=3,
        on_stop=lambda: stopped.append(_stop(db, event)),
    )
    _use(monkeypatch, model)

    # When the worker runs
    result = run_worker(event, answer)

    # Then the worker stopped at its next flush, and the turn has one stopped answer: the text
    # the sockets were sent before the stop, charged for what the model generated
    assert result["status"] == "stopped"
    assert model.yielded < 10
    [row] = _answers(db, event["turn_id"])
    assert row["status"] == "stopped" and row["id"] == stopped[0].id
    assert row["content"] == "문장 0입니다. 문장 1입니다. 문장 2입니다. "
    assert row["output_tokens"] > 0 and float(row["cost_usd"]) > 0
    closing = _closing(event["turn_id"])
    assert closing is not None and closing["type"] == "done" and closing["status"] == "stopped"
    assert closing["message_id"] == row["id"]


def test_a_stopped_turn_costs_the_budget_what_its_answer_records(
    db, aws, fast_header, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.agents.runner import run_worker
    from portal.agents.workers.general import answer
    from portal.budgets import ledger
    from portal.budgets.scope import turn_budget
    from portal.db.repositories import budgets

    # Given a user with a budget, whose turn is stopped mid-stream
    event = _turn(db)
    budgets.put(
        db, scope="user", subject="E1001", monthly_limit_usd=100.0, warn_ratio=0.8, admin_empno="E1001"
    )
    model = StopMidStream(
        [f"문장 {i}입니다. " for i in range(10)], stop_after=3, on_stop=lambda: _stop(db, event)
    )
    _use(monkeypatch, model)

    # When the worker runs inside the turn's budget (as the deployed handler does)
    with turn_budget("E1001"):
        result = run_worker(event, answer)

    # Then the counter took what the stopped answer records: the interrupted call is not free
    assert result["status"] == "stopped"
    [row] = _answers(db, event["turn_id"])
    spent, reserved = ledger.spend(db, scope="user", subject="E1001")
    assert reserved == 0.0
    assert float(row["cost_usd"]) > 0
    assert spent == pytest.approx(float(row["cost_usd"]), abs=1e-6)


def test_a_retried_execution_of_a_stopped_turn_neither_answers_nor_resurrects_it(
    db, aws, fast_header, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.agents.runner import run_worker
    from portal.agents.workers.general import answer

    from tests.scripted import ScriptedModel

    # Given a turn stopped mid-stream
    event = _turn(db)
    model = StopMidStream(
        ["가나다 ", "라마바 ", "사아자 ", "차카타"], stop_after=2, on_stop=lambda: _stop(db, event)
    )
    _use(monkeypatch, model)
    run_worker(event, answer)
    before = _answers(db, event["turn_id"])

    # When Step Functions runs the execution again (Express: at least once)
    again = ScriptedModel(["완전히 새 답변"], name="anthropic")
    _use(monkeypatch, again)
    result = run_worker(event, answer)

    # Then the model is not called, and the stopped answer is all there is, unchanged
    assert result["status"] == "stopped"
    assert again.requests == []
    assert _answers(db, event["turn_id"]) == before


def test_the_failure_handler_after_a_stop_leaves_the_turn_stopped(db, aws) -> None:
    from portal.agents.failure import handle_failure

    # Given a turn the user stopped before its worker wrote anything
    event = _turn(db)
    stopped = _stop(db, event)
    assert stopped.status == "stopped" and stopped.content == ""

    # When the state machine's Catch runs for it (the worker failed meanwhile), twice
    outcomes = [handle_failure({**event, "error": {"Error": "Lambda.Unknown"}}) for _ in range(2)]

    # Then nothing is failed: the stop stands
    assert [o["status"] for o in outcomes] == ["already_stopped", "already_stopped"]
    assert [r["status"] for r in _answers(db, event["turn_id"])] == ["stopped"]


def test_a_worker_that_finishes_after_the_stop_does_not_overwrite_it(db, aws, monkeypatch) -> None:
    from portal.agents.runner import run_worker
    from portal.agents.workers.general import answer

    from tests.scripted import ScriptedModel

    # Given a turn stopped before its worker's first look at the stream
    event = _turn(db)
    _stop(db, event)
    # When the worker runs anyway (its execution had started), with a model that answers in full
    model = ScriptedModel(["전체 답변"], name="anthropic")
    _use(monkeypatch, model)
    result = run_worker(event, answer)

    # Then the stopped answer stays, and is not answered again
    assert result["status"] == "stopped"
    assert [r["status"] for r in _answers(db, event["turn_id"])] == ["stopped"]


def test_an_ended_turn_cannot_be_stopped(db, aws) -> None:
    from portal.agents.turn_controls import TurnAlreadyEnded
    from portal.db.repositories import messages

    event = _turn(db)
    messages.save_assistant_message(
        db,
        conversation_id=event["conversation_id"],
        turn_id=event["turn_id"],
        content="답변",
        status="completed",
        agent_type="general",
        model_used="offline",
    )
    with pytest.raises(TurnAlreadyEnded) as raised:
        _stop(db, event)
    assert raised.value.status_code == 409 and raised.value.details["status"] == "completed"
    assert [r["status"] for r in _answers(db, event["turn_id"])] == ["completed"]


def test_ended_answers_are_final_whoever_writes_later(db) -> None:
    from portal.db.repositories import messages

    event = _turn(db)
    write = lambda status, content: messages.save_assistant_message(  # noqa: E731
        db,
        conversation_id=event["conversation_id"],
        turn_id=event["turn_id"],
        content=content,
        status=status,
        agent_type="general",
        model_used=None,
    )
    write("stopped", "부분")
    for status in ("completed", "failed", "streaming"):
        assert write(status, "다른 내용").status == "stopped"
    assert [(r["status"], r["content"]) for r in _answers(db, event["turn_id"])] == [("stopped", "부분")]


# --- through the API -------------------------------------------------------------------------


def _wait_for(db, turn_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _answers(db, turn_id)
        if rows and rows[0]["status"] in ("completed", "failed", "stopped"):
            return rows[0]
        time.sleep(0.1)
    raise AssertionError(f"turn {turn_id} was not answered")


def _ask(client: TestClient, auth: dict, conversation_id: str, text: str) -> dict:
    response = client.post(
        f"/api/conversations/{conversation_id}/messages?wait=true", json={"content": text}, headers=auth
    )
    assert response.status_code == 200, response.text
    return response.json()


def _listed(client: TestClient, auth: dict, conversation_id: str) -> list[dict]:
    response = client.get(f"/api/conversations/{conversation_id}/messages", headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_regenerate_with_another_model_is_a_new_branch_and_the_old_one_stays_reachable(
    client: TestClient, auth: dict, db
) -> None:
    conversation = client.post("/api/conversations", json={}, headers=auth).json()
    first = _ask(client, auth, conversation["id"], "안녕하세요")
    second = _ask(client, auth, conversation["id"], "부가세 신고 기한은?")

    # When the second answer is regenerated with another model
    response = client.post(
        f"/api/conversations/{conversation['id']}/turns/{second['turn_id']}/regenerate",
        json={"model": "claude-haiku-4-5"},
        headers=auth,
    )
    assert response.status_code == 202, response.text
    regenerated = response.json()
    _wait_for(db, regenerated["turn_id"])

    # Then the conversation shows the new branch: same question, the chosen model asked for
    listed = _listed(client, auth, conversation["id"])
    assert [m["turn_id"] for m in listed] == [first["turn_id"]] * 2 + [regenerated["turn_id"]] * 2
    question = listed[2]
    assert question["content"] == "부가세 신고 기한은?"
    assert question["metadata"]["options"]["model"] == "claude-haiku-4-5"
    assert question["metadata"]["regenerated_from"] == second["turn_id"]
    assert question["siblings"] == [second["turn_id"], regenerated["turn_id"]]

    # And the earlier branch is shown again on request, answer and all
    shown = client.put(
        f"/api/conversations/{conversation['id']}/branch", json={"turn_id": second["turn_id"]}, headers=auth
    )
    assert shown.status_code == 200 and shown.json()["current_turn_id"] == second["turn_id"]
    listed = _listed(client, auth, conversation["id"])
    assert listed[3]["id"] == second["id"] and listed[3]["status"] == "completed"


def test_edit_and_resend_branches_and_the_new_turn_does_not_remember_the_old_branch(
    client: TestClient, auth: dict, db
) -> None:
    from portal.db.repositories import messages

    conversation = client.post("/api/conversations", json={}, headers=auth).json()
    first = _ask(client, auth, conversation["id"], "첫 질문")
    second = _ask(client, auth, conversation["id"], "두 번째 질문")

    response = client.post(
        f"/api/conversations/{conversation['id']}/turns/{second['turn_id']}/edit",
        json={"content": "  고친 두 번째 질문  "},
        headers=auth,
    )
    assert response.status_code == 202, response.text
    edited = response.json()
    _wait_for(db, edited["turn_id"])

    listed = _listed(client, auth, conversation["id"])
    assert [m["content"] for m in listed if m["role"] == "user"] == ["첫 질문", "고친 두 번째 질문"]
    assert listed[2]["metadata"]["edited_from"] == second["turn_id"]
    # The edited turn's memory is its own branch: the first turn, not the question it replaced
    memory = messages.recent(db, conversation_id=conversation["id"], limit=20, before_turn=edited["turn_id"])
    assert [m.turn_id for m in memory] == [first["turn_id"], first["turn_id"]]
    # A new message continues the shown (edited) branch
    third = _ask(client, auth, conversation["id"], "세 번째")
    listed = _listed(client, auth, conversation["id"])
    assert [m["turn_id"] for m in listed[::2]] == [first["turn_id"], edited["turn_id"], third["turn_id"]]


def test_bad_turn_control_requests_change_nothing(client: TestClient, auth: dict, db) -> None:
    from tests.conftest import make_token

    conversation = client.post("/api/conversations", json={}, headers=auth).json()
    answered = _ask(client, auth, conversation["id"], "질문")
    base = f"/api/conversations/{conversation['id']}/turns/{answered['turn_id']}"
    count = lambda: db.fetch_one("SELECT count(*) AS n FROM messages")["n"]  # noqa: E731
    before = count()
    cases = [
        (client.post(f"{base}/edit", json={"content": "   "}, headers=auth), 400, "bad_request"),
        (client.post(f"{base}/regenerate", json={"model": "gpt-99"}, headers=auth), 400, None),
        (client.post(f"{base}/stop", headers=auth), 409, "turn_already_ended"),
        (
            client.post(
                f"/api/conversations/{conversation['id']}/turns/{uuid.uuid4()}/regenerate",
                json={},
                headers=auth,
            ),
            404,
            "not_found",
        ),
        (
            client.post(
                f"{base}/regenerate", json={}, headers={"Authorization": f"Bearer {make_token('E2002')}"}
            ),
            404,
            "not_found",
        ),
        (
            client.put(
                f"/api/conversations/{conversation['id']}/branch", json={"turn_id": "x"}, headers=auth
            ),
            404,
            None,
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        if code:
            assert response.json()["error"]["code"] == code
    assert count() == before


def test_stop_through_the_api_answers_with_the_stopped_message(client: TestClient, auth: dict, db) -> None:
    from portal.agents.turn import TurnOptions
    from portal.agents.turns import start_turn
    from portal.db.repositories import conversations, users

    # A turn stored but not launched (its worker has not started yet)
    client.get("/api/me", headers=auth)
    user = users.get(db, empno="E1001")
    conversation = conversations.create(db, user_empno="E1001", title=None)
    started = start_turn(
        db, user=user, conversation=conversation, content="긴 답변 부탁", options=TurnOptions()
    )
    response = client.post(
        f"/api/conversations/{conversation.id}/turns/{started.turn.turn_id}/stop", headers=auth
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "stopped" and response.json()["turn_id"] == started.turn.turn_id
    again = client.post(
        f"/api/conversations/{conversation.id}/turns/{started.turn.turn_id}/stop", headers=auth
    )
    assert again.status_code == 409
    assert (
        again.json()["error"]["code"] == "turn_already_ended" and again.json()["error"]["status"] == "stopped"
    )
