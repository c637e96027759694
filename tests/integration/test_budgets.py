"""Budgets in money over real PostgreSQL and moto: reserve before every model call, settle after,
refuse at the limit (nothing stored but the refused attempt), warn at the share, and the admin API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration

ADMIN = make_token("A0001", "관리자", admin=True)


class BilledModel:
    """A priced provider ("anthropic") that bills exactly ``factor`` x the guard's estimate.

    factor=1.0 makes every turn cost the same known amount, so "how many turns fit" is exact.
    It answers the intent call with JSON and every other call with text; thread-safe.
    """

    name = "anthropic"
    supports_tools = False

    def __init__(self, *, factor: float = 1.0, delay: float = 0.0) -> None:
        self.factor, self.delay = factor, delay
        self.calls = 0
        self._lock = threading.Lock()

    def stream(self, request):
        from portal.budgets.estimate import estimate_usage
        from portal.llm.base import Completed, TextDelta, Usage

        with self._lock:
            self.calls += 1
        time.sleep(self.delay)  # calls of concurrent turns overlap
        if "You route" in request.system:
            yield TextDelta('{"agent": "general", "reason": "일반 질문"}')
        else:
            yield TextDelta("예산 안에서 답합니다.")
        est = estimate_usage(request)
        yield Completed(
            Usage(int(est.input_tokens * self.factor), int(est.output_tokens * self.factor)),
            request.model_id,
            "end_turn",
        )


@pytest.fixture
def billed(monkeypatch: pytest.MonkeyPatch) -> BilledModel:
    from portal.llm import service

    model = BilledModel()
    monkeypatch.setattr(service, "providers", lambda: {"anthropic": model})
    return model


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _user(client: TestClient, empno: str, department: str | None = "재무팀") -> dict[str, str]:
    kwargs = {"department": department} if department else {}
    headers = _auth(make_token(empno, "사용자", **kwargs))
    assert client.get("/api/me", headers=headers).status_code == 200  # provisioned from the token
    return headers


def _ask(client: TestClient, headers: dict[str, str], text: str = "오늘 회의 내용을 정리해줘", **body: Any):
    conversation = client.post("/api/conversations", json={}, headers=headers).json()
    return client.post(
        f"/api/conversations/{conversation['id']}/messages?wait=true",
        json={"content": text, **body},
        headers=headers,
    )


def _put_budget(client: TestClient, path: str, limit: float | None, warn: float = 0.8) -> dict:
    response = client.put(
        f"/api/admin/budgets/{path}",
        json={"monthly_limit_usd": limit, "warn_ratio": warn},
        headers=_auth(ADMIN),
    )
    assert response.status_code == 200, response.text
    return response.json()


def _admin(client: TestClient) -> None:
    assert client.get("/api/me", headers=_auth(ADMIN)).status_code == 200


# --- the ledger ------------------------------------------------------------------------


def test_a_reservation_is_all_or_nothing_across_user_and_department(db) -> None:
    from portal.budgets import ledger
    from portal.budgets.errors import BudgetExceeded
    from portal.db.repositories import budgets, users

    users.upsert_from_claims(db, empno="U1", name_ko="가", company=None, company_code="C", roles=[])
    budgets.put(db, scope="user", subject="U1", monthly_limit_usd=1.0, warn_ratio=0.8, admin_empno="U1")
    budgets.put(
        db, scope="department", subject="재무팀", monthly_limit_usd=0.5, warn_ratio=0.8, admin_empno="U1"
    )

    held = ledger.reserve(db, empno="U1", department="재무팀", amount_usd=0.4)
    with pytest.raises(BudgetExceeded) as refused:
        ledger.reserve(db, empno="U1", department="재무팀", amount_usd=0.2)  # the department refuses
    assert refused.value.details["scope"] == "department" and "부서(재무팀)" in refused.value.message
    # The user's row was not left holding the refused 0.2
    assert ledger.spend(db, scope="user", subject="U1") == (0.0, pytest.approx(0.4))

    ledger.settle(db, held, actual_usd=0.25)
    assert ledger.spend(db, scope="user", subject="U1") == (pytest.approx(0.25), 0.0)
    assert ledger.spend(db, scope="department", subject="재무팀") == (pytest.approx(0.25), 0.0)


def test_defaults_apply_until_a_subject_has_its_own_budget(db) -> None:
    from portal.budgets import ledger
    from portal.db.repositories import budgets, users

    users.upsert_from_claims(db, empno="U2", name_ko="나", company=None, company_code="C", roles=[])
    assert ledger.limit_for(db, scope="user", subject="U2").monthly_limit_usd is None  # no budget at all
    budgets.put(db, scope="user", subject="*", monthly_limit_usd=5.0, warn_ratio=0.9, admin_empno="U2")
    default = ledger.limit_for(db, scope="user", subject="U2")
    assert (default.monthly_limit_usd, default.warn_ratio, default.overridden) == (5.0, 0.9, False)
    budgets.put(db, scope="user", subject="U2", monthly_limit_usd=None, warn_ratio=0.8, admin_empno="U2")
    own = ledger.limit_for(db, scope="user", subject="U2")
    assert (own.monthly_limit_usd, own.overridden) == (None, True)  # an explicit "no limit" override


# --- the guard on the model call chain ------------------------------------------------------


def test_the_guard_refuses_before_the_provider_is_called_and_settles_actual_cost(db) -> None:
    from portal.budgets import ledger
    from portal.budgets.errors import BudgetExceeded
    from portal.budgets.estimate import estimate_cost_usd
    from portal.budgets.scope import turn_budget
    from portal.db.repositories import budgets, users
    from portal.llm.base import ChatMessage, ModelRequest, collect
    from portal.llm.catalog import cost_usd, get_model, load_catalog

    users.upsert_from_claims(db, empno="U3", name_ko="다", company=None, company_code="C", roles=[])
    model = next(m for m in load_catalog().models if m.provider == "anthropic")
    request = ModelRequest(model.model_id, (ChatMessage("user", "부가세 신고 기한은?"),), max_tokens=500)
    estimate = estimate_cost_usd(model, request)
    budgets.put(
        db, scope="user", subject="U3", monthly_limit_usd=estimate * 1.4, warn_ratio=0.5, admin_empno="U3"
    )
    provider = BilledModel(factor=0.5)

    with turn_budget("U3") as scope:
        done = collect(provider, request)  # fits: 1.0 x estimate reserved, 0.5 x billed
        assert scope.warnings and scope.warnings[0].state == "warning"  # reserving crossed 50 %
        with pytest.raises(BudgetExceeded):
            collect(provider, request)  # 0.5 spent + 1.0 reserved > 1.4: refused
    assert provider.calls == 1  # the refused call never reached the provider
    spent, reserved = ledger.spend(db, scope="user", subject="U3")
    assert reserved == 0.0
    assert spent == pytest.approx(round(cost_usd(get_model(model.key), done.usage), 6), abs=1e-9)


def test_calls_outside_a_turn_and_free_models_are_not_budgeted(db) -> None:
    from portal.budgets.scope import turn_budget
    from portal.llm.base import ChatMessage, ModelRequest, collect
    from portal.llm.catalog import load_catalog

    model = next(m for m in load_catalog().models if m.provider == "anthropic")
    request = ModelRequest(model.model_id, (ChatMessage("user", "hi"),))
    collect(BilledModel(), request)  # no turn: an ingest caption, a CLI evaluation
    with turn_budget("NOBODY"):
        collect(BilledModel(), ModelRequest(load_catalog().offline.model_id, (ChatMessage("user", "hi"),)))
    assert db.fetch_one("SELECT count(*) AS n FROM budget_spend")["n"] == 0


# --- turns through the API and the state machine -------------------------------------------------


def test_a_turns_stored_cost_is_the_sum_of_its_calls_and_of_what_the_counter_took(
    client: TestClient, db, billed: BilledModel
) -> None:
    from portal.budgets import ledger

    headers = _user(client, "B0001")
    _admin(client)
    _put_budget(client, "users/B0001", 10.0)

    response = _ask(client, headers, "이거 어떻게 생각해?")  # unsure for the classifier: an intent call too
    assert response.status_code == 200, response.text
    answer = response.json()
    calls = answer["metadata"]["calls"]
    assert [c["purpose"] for c in calls] == ["intent", "answer"]
    assert billed.calls == 2
    assert answer["cost_usd"] == pytest.approx(sum(c["cost_usd"] for c in calls), abs=1e-9)
    assert answer["cost_usd"] > 0
    spent, reserved = ledger.spend(db, scope="user", subject="B0001")
    assert (spent, reserved) == (pytest.approx(answer["cost_usd"], abs=1e-9), 0.0)
    # The department counts the same money (its budget has no limit: counted, never refused)
    assert ledger.spend(db, scope="department", subject="재무팀")[0] == pytest.approx(spent)


def test_a_used_up_budget_refuses_the_turn_and_stores_only_the_attempt_until_an_admin_raises_it(
    client: TestClient, db, billed: BilledModel
) -> None:
    headers = _user(client, "B0002")
    _admin(client)
    _put_budget(client, "users/B0002", 0.0)
    before = db.fetch_one("SELECT count(*) AS n FROM messages")["n"]

    refused = _ask(client, headers, agent="general")
    assert refused.status_code == 402
    error = refused.json()["error"]
    assert error["code"] == "budget_exceeded" and "예산" in error["message"] and "관리자" in error["message"]
    assert db.fetch_one("SELECT count(*) AS n FROM messages")["n"] == before  # no message, no turn
    attempt = db.fetch_all(
        "SELECT metadata FROM activity_logs WHERE action = 'budget_refused' AND empno = 'B0002'"
    )
    assert len(attempt) == 1 and attempt[0]["metadata"]["code"] == "budget_exceeded"
    assert billed.calls == 0
    me = client.get("/api/me/budget", headers=headers).json()
    assert (me["state"], me["monthly_limit_usd"], me["spent_usd"]) == ("exceeded", 0.0, 0.0)

    _put_budget(client, "users/B0002", 5.0)  # the admin raises it: the very next turn goes through
    assert _ask(client, headers, agent="general").status_code == 200
    assert client.get("/api/me/budget", headers=headers).json()["state"] == "ok"


def test_a_call_the_remaining_budget_cannot_cover_is_refused_before_the_provider_and_ends_the_turn(
    client: TestClient, db, billed: BilledModel
) -> None:
    # Given money left for the door's floor (the answer call with the question alone) but less
    # than the worker's real call, which adds the system prompt
    import math

    from portal.budgets.estimate import turn_floor_usd
    from portal.budgets.gate import answering_models

    headers = _user(client, "B0006")
    _admin(client)
    floor = turn_floor_usd("오늘 회의 내용을 정리해줘", answering_models())
    _put_budget(client, "users/B0006", math.ceil(floor * 1e6) / 1e6)  # the column keeps 6 decimals

    # When the user asks
    response = _ask(client, headers, agent="general")

    # Then the worker's call is refused before the provider sees it, and the turn ends with the message
    assert response.status_code == 402, response.text
    assert response.json()["error"]["code"] == "budget_exceeded"
    assert billed.calls == 0
    stored = db.fetch_one(
        """
        SELECT m.status, m.content, m.cost_usd FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.user_empno = 'B0006' AND m.role = 'assistant'
        """
    )
    assert stored["status"] == "failed" and "예산" in stored["content"]
    assert not stored["cost_usd"]  # the refused attempt cost nothing
    from portal.budgets import ledger

    assert ledger.spend(db, scope="user", subject="B0006") == (0.0, 0.0)
    # The turn was stored and ran, so its send counts against the chat limit (a refusal at the
    # door, with nothing stored, gives the call back: tests/security/test_rate_limit_accepted_only.py)
    from portal import aws
    from portal.settings import get_settings

    counters = aws.dynamodb_table(get_settings().rate_limit_table).scan()["Items"]
    assert sum(int(i["count"]) for i in counters if str(i["pk"]).startswith("api-chat#B0006#")) == 1


def test_crossing_the_warning_share_tells_the_user(client: TestClient, db, billed: BilledModel) -> None:
    headers = _user(client, "B0003", department=None)
    _admin(client)
    _put_budget(client, "users/B0003", 10.0)
    assert _ask(client, headers, agent="general").status_code == 200
    one_turn = client.get("/api/me/budget", headers=headers).json()["spent_usd"]
    # A budget of 1.2 turns with a 50 % share: the next turn runs, and crosses the share.
    _put_budget(client, "users/B0003", one_turn * 2.2, warn=0.5)

    from portal.budgets import notify

    sent: list[dict] = []
    real = notify.announce_warning

    def spy(recipients: Callable[[], list[str]]) -> dict | None:
        event = real(recipients)
        if event:
            sent.append(event)
        return event

    import portal.agents.runner as runner

    runner.budget_notify.announce_warning = spy  # type: ignore[attr-defined]
    try:
        assert _ask(client, headers, agent="general").status_code == 200
        deadline = time.monotonic() + 10  # the answer is stored first, then the sockets are warned
        while not sent and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.budget_notify.announce_warning = real  # type: ignore[attr-defined]
    assert [e["code"] for e in sent] == ["budget_warning"]
    assert "사용 예산" in sent[0]["message"] and sent[0]["scope"] == "user"
    me = client.get("/api/me/budget", headers=headers).json()
    assert me["state"] == "warning" and me["warn_ratio"] == 0.5


def test_concurrent_turns_run_exactly_as_many_as_the_budget_covers(
    client: TestClient, db, billed: BilledModel
) -> None:
    """N turns at once, budget for K < N: K answered, N-K refused with the budget message, spend <= limit.

    Bound: stored spend <= limit + sum over the calls in flight together of (actual - estimate)+.
    The estimate is an upper bound (max_tokens out, UTF-8 bytes in), so here the term is 0.
    """
    n, k = 6, 3
    headers = _user(client, "B0004")
    # Every turn the same size: without the profile summary that earlier turns add to the prompt
    opted_out = client.put("/api/me/preferences", json={"profile_collection": False}, headers=headers)
    assert opted_out.status_code == 200, opted_out.text
    _admin(client)
    _put_budget(client, "users/B0004", 100.0)
    assert _ask(client, headers, agent="general").status_code == 200  # one turn: its exact cost
    per_turn = client.get("/api/me/budget", headers=headers).json()["spent_usd"]
    assert per_turn > 0
    # Remaining budget: K turns and half of another.
    _put_budget(client, "users/B0004", per_turn * (1 + k + 0.5))
    billed.delay = 0.3

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(lambda _: _ask(client, headers, agent="general"), range(n)))

    answered = [r for r in results if r.status_code == 200]
    refused = [r for r in results if r.status_code != 200]
    assert len(answered) == k, [r.text[:200] for r in results]
    for r in refused:  # refused at the door or at the model call: the same 402 and message
        assert r.status_code == 402 and r.json()["error"]["code"] == "budget_exceeded", r.text
        assert "예산" in r.json()["error"]["message"]
    limit = per_turn * (1 + k + 0.5)
    stored = db.fetch_one(
        """
        SELECT COALESCE(SUM(m.cost_usd), 0) AS total FROM messages m
        JOIN conversations c ON c.id = m.conversation_id WHERE c.user_empno = 'B0004'
        """
    )["total"]
    assert float(stored) <= limit + 1e-9
    assert float(stored) == pytest.approx(per_turn * (1 + k), abs=1e-6)
    from portal.budgets import ledger

    spent, reserved = ledger.spend(db, scope="user", subject="B0004")
    assert reserved == 0.0 and spent == pytest.approx(float(stored), abs=1e-6)


def test_a_budget_that_cannot_pay_for_one_answer_refuses_at_the_door(
    client: TestClient, db, billed: BilledModel
) -> None:
    from portal.budgets.estimate import ANSWER_OUTPUT_TOKENS, turn_floor_usd
    from portal.budgets.gate import answering_models

    question = "오늘 회의 내용을 정리해줘"
    floor = turn_floor_usd(question, answering_models())
    # The floor is the cheapest allowed model's price of the question and one answer's output
    assert floor > 0 and ANSWER_OUTPUT_TOKENS == 2048
    assert turn_floor_usd(question, []) == 0.0  # only the free offline model: no floor
    headers = _user(client, "B0007")
    _admin(client)
    # Given a budget with money left, but less than the least one answer reserves
    _put_budget(client, "users/B0007", round(floor * 0.9, 6))
    before = db.fetch_one("SELECT count(*) AS n FROM messages")["n"]

    refused = _ask(client, headers, question, agent="general")

    # Then the turn is refused before anything is stored or any model is called, saying why
    assert refused.status_code == 402, refused.text
    error = refused.json()["error"]
    assert error["code"] == "budget_exceeded" and "최소 비용" in error["message"], error
    assert error["turn_floor_usd"] == pytest.approx(floor, abs=1e-6)
    assert db.fetch_one("SELECT count(*) AS n FROM messages")["n"] == before
    assert billed.calls == 0
    attempts = db.fetch_all(
        "SELECT metadata FROM activity_logs WHERE action = 'budget_refused' AND empno = 'B0007'"
    )
    assert len(attempts) == 1
    # and the screen shows the budget as not yet used up
    assert client.get("/api/me/budget", headers=headers).json()["state"] != "exceeded"

    # When the admin raises it, the next turn goes through at once
    _put_budget(client, "users/B0007", 5.0)
    assert _ask(client, headers, question, agent="general").status_code == 200


# --- the admin API ---------------------------------------------------------------------


def test_admin_budget_api_validates_and_audits_every_change(client: TestClient, db) -> None:
    _user(client, "B0005")
    _admin(client)
    admin = _auth(ADMIN)
    assert client.get("/api/admin/budgets/users/B0005", headers=admin).json()["monthly_limit_usd"] is None
    for bad in (
        {"monthly_limit_usd": -1, "warn_ratio": 0.8},
        {"monthly_limit_usd": 1, "warn_ratio": 0},
        {"x": 1},
    ):
        assert client.put("/api/admin/budgets/users/B0005", json=bad, headers=admin).status_code == 422
    assert (
        client.put(
            "/api/admin/budgets/users/NOPE", json={"monthly_limit_usd": 1, "warn_ratio": 0.8}, headers=admin
        ).status_code
        == 404
    )
    assert db.fetch_one("SELECT count(*) AS n FROM budgets")["n"] == 0  # bad input changed nothing

    _put_budget(client, "users/B0005", 3.0)
    out = _put_budget(client, "users/B0005", 4.5, warn=0.9)
    assert (out["monthly_limit_usd"], out["warn_ratio"], out["overridden"], out["state"]) == (
        4.5,
        0.9,
        True,
        "ok",
    )
    dept = _put_budget(client, "departments/재무팀", 100.0)
    assert dept["subject"] == "재무팀"
    default = _put_budget(client, "defaults/users", 2.0)
    assert default["subject"] == "*"
    assert client.delete("/api/admin/budgets/users/B0005", headers=admin).status_code == 204
    assert client.get("/api/admin/budgets/users/B0005", headers=admin).json()["monthly_limit_usd"] == 2.0
    listed = client.get("/api/admin/budgets", headers=admin).json()["items"]
    assert {(i["scope"], i["subject"]) for i in listed} == {("department", "재무팀"), ("user", "*")}

    rows = db.fetch_all(
        "SELECT action, metadata FROM activity_logs WHERE action LIKE 'admin.budget.%' ORDER BY timestamp, id"
    )
    assert [r["action"] for r in rows][:2] == ["admin.budget.put", "admin.budget.put"]
    second = next(
        r["metadata"] for r in rows if (r["metadata"]["after"] or {}).get("monthly_limit_usd") == 4.5
    )
    assert second["target"] == "user:B0005" and second["before"]["monthly_limit_usd"] == 3.0
    assert rows[-1]["action"] == "admin.budget.delete" and rows[-1]["metadata"]["after"] is None
