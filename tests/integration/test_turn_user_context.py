"""The user is read once per turn and reaches every graph as its typed context (#16, #18).

Each worker runs through run_worker over real PostgreSQL and moto with the offline model (no
keys); `users.get` is counted, and what an employee and an admin read is compared.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def user_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every users.get of the test, by employee number."""
    from portal.db.repositories import users

    reads: list[str] = []
    real = users.get

    def counted(db: object, *, empno: str) -> object:
        reads.append(empno)
        return real(db, empno=empno)

    monkeypatch.setattr(users, "get", counted)
    return reads


def turn(db, agent: str, content: str, *, admin: bool = False) -> dict:
    """A stored question of a fresh conversation (asked by E1001) and the worker's event."""
    from portal.agents.turn import TurnInput
    from portal.db.repositories import conversations, messages, users

    users.upsert_from_claims(
        db,
        empno="E1001",
        name_ko="홍길동",
        company="테스트",
        company_code="C",
        roles=["admin"] if admin else [],
    )
    conversation = conversations.create(db, user_empno="E1001", title=None)
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=content, metadata={}
    )
    event = TurnInput(turn_id=turn_id, conversation_id=conversation.id, message_id=message.id, empno="E1001")
    route = {"agent": agent, "confidence": 1.0, "reason": "test", "decided_by": "explicit"}
    return {**event.model_dump(), "route": route}


def _general() -> Callable:
    from portal.agents.workers.general import answer

    return answer


def _web_search() -> Callable:
    from portal.agents.workers.web_search import answer

    return answer


def _tax() -> Callable:
    from portal.agents.workers.domain import domain_worker

    return domain_worker("tax")


def _canvas() -> Callable:
    from portal.agents.workers.canvas import answer

    return answer


@pytest.mark.parametrize(
    ("agent", "worker"),
    [("general", _general), ("web_search", _web_search), ("tax", _tax), ("canvas", _canvas)],
    ids=["general", "web_search", "tax", "canvas"],
)
def test_a_turn_reads_its_user_once(db, aws, user_reads: list[str], agent: str, worker: Callable) -> None:
    from portal.agents.runner import run_worker
    from portal.db.repositories import messages

    event = turn(db, agent, "부가세 신고 기한 보고서를 작성해 주세요")

    run_worker(event, worker())

    assert messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant").status == "completed"
    assert user_reads == ["E1001"]


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
def test_the_general_offline_answer_names_model_keys_to_admins_only(db, aws, admin: bool) -> None:
    from portal.agents.runner import run_worker
    from portal.db.repositories import messages

    event = turn(db, "general", "사내 VPN 접속 방법 알려줘", admin=admin)

    run_worker(event, _general())

    content = messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant").content
    assert content.startswith("[오프라인 모드]")
    assert ("ANTHROPIC_API_KEY" in content) is admin
    assert ("관리자에게 문의해 주세요" in content) is not admin


@pytest.mark.parametrize("admin", [True, False], ids=["admin", "employee"])
def test_the_offline_canvas_draft_names_model_keys_to_admins_only(db, aws, admin: bool) -> None:
    from portal.agents.runner import run_worker

    event = turn(db, "canvas", "주간 보고서 초안을 작성해 주세요", admin=admin)

    run_worker(event, _canvas())

    [draft] = db.fetch_all("SELECT content FROM artifacts")
    assert "[오프라인 모드]" in draft["content"]
    assert ("ANTHROPIC_API_KEY" in draft["content"]) is admin
    assert ("관리자에게 문의해 주세요" in draft["content"]) is not admin
