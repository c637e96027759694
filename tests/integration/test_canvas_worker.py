"""The canvas worker over real PostgreSQL and moto: run_worker(event, canvas.answer) as the chat state
machine will call it. Artifacts are created and revised as versions, offline drafts say they are
offline, viewers are refused, a repeated turn writes once, and members see the edit live.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def env(db, aws) -> object:
    """Users 홍길동 (E1001, owner) and 김철수 (E2002), and 홍길동's workspace with 김철수 as viewer."""
    from portal.collab import workspaces as collab
    from portal.db.repositories import users, workspaces

    alice = users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동", company=None, company_code="LOCAL", roles=[]
    )
    users.upsert_from_claims(
        db, empno="E2002", name_ko="김철수", company=None, company_code="LOCAL", roles=[]
    )
    space = collab.create(db, alice, title="기획")
    workspaces.put_collaborator(db, workspace_id=space.id, owner_empno="E1001", empno="E2002", role="viewer")
    return space


def scripted(monkeypatch, *replies: object):
    """A scripted stand-in for Claude (a real provider, so the canvas asks it to write)."""
    from portal.llm import service

    from tests.scripted import ScriptedModel

    model = ScriptedModel(list(replies), name="anthropic", chunk_size=7)
    monkeypatch.setattr(service, "providers", lambda: {"anthropic": model})
    return model


def start(
    db,
    content: str,
    *,
    empno: str = "E1001",
    workspace_id: str | None = None,
    conversation_id: str | None = None,
) -> dict:
    """Store a turn's user message and return the state machine's event for the canvas worker."""
    from portal.db.repositories import conversations, messages

    if conversation_id is None:
        conversation_id = conversations.create(db, user_empno=empno, title=None, workspace_id=workspace_id).id
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation_id, turn_id=turn_id, content=content, metadata={}
    )
    return {
        "turn_id": turn_id,
        "conversation_id": conversation_id,
        "message_id": message.id,
        "empno": empno,
        "workspace_id": workspace_id,
        "options": {},
        "route": {"agent": "canvas", "confidence": 1.0, "reason": "canvas toggle", "decided_by": "toggle"},
    }


def run(db, event: dict):
    """Run the canvas worker for the turn; the stored assistant message."""
    from portal.agents.runner import run_worker
    from portal.agents.workers.canvas import answer
    from portal.db.repositories import messages

    result = run_worker(event, answer)
    stored = messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant")
    assert stored is not None and stored.id == result["message_id"]
    return stored


def versions(db) -> list[dict]:
    return db.fetch_all(
        "SELECT root_id::text AS id, version, title, content FROM artifacts ORDER BY created_at"
    )


def streamed_text(turn_id: str) -> str:
    from portal import aws
    from portal.realtime.stream import stored_chunks
    from portal.settings import get_settings

    return "".join(
        i["text"]
        for i in stored_chunks(aws.dynamodb_table(get_settings().stream_table), turn_id, after_seq=0)
    )


DRAFT = "# 주간 보고\n\n## 진행\n- 신규 고객 3곳 계약\n\n## 다음 주\n- [담당자 확인 필요]"


def test_the_canvas_writes_a_document_into_the_conversations_workspace(db, env, monkeypatch) -> None:
    model = scripted(monkeypatch, DRAFT)
    event = start(db, "이번 주 주간 보고서 초안을 작성해 주세요", workspace_id=env.id)

    stored = run(db, event)

    [artifact] = versions(db)
    assert (artifact["version"], artifact["title"], artifact["content"]) == (1, "주간 보고", DRAFT)
    ref = stored.metadata["artifact"]
    assert (ref["id"], ref["version"], ref["workspace_id"], ref["title"], ref["type"]) == (
        artifact["id"],
        1,
        env.id,
        "주간 보고",
        "document",
    )
    assert stored.content.startswith(DRAFT) and "“주간 보고” v1" in stored.content
    assert streamed_text(event["turn_id"]) == stored.content  # what streamed is what was stored
    assert stored.agent_type == "canvas" and stored.model_used.startswith("claude")
    assert "이번 주 주간 보고서" in model.requests[0].messages[-1].content
    logged = db.fetch_one(
        "SELECT empno, action, metadata FROM activity_logs WHERE resource_type = 'artifact'"
    )
    assert (logged["empno"], logged["action"]) == ("E1001", "artifact.create")
    assert (logged["metadata"]["via"], logged["metadata"]["turn_id"]) == ("canvas", event["turn_id"])


def test_the_next_canvas_turn_revises_the_same_artifact_as_a_new_version(db, env, monkeypatch) -> None:
    revised = DRAFT + "\n\n## 결론\n- 목표 달성"
    model = scripted(monkeypatch, DRAFT, revised)
    first = start(db, "주간 보고서 초안을 써 주세요", workspace_id=env.id)
    run(db, first)

    stored = run(
        db,
        start(db, "결론 섹션을 추가해 주세요", workspace_id=env.id, conversation_id=first["conversation_id"]),
    )

    rows = versions(db)
    assert [(r["version"], r["id"]) for r in rows] == [(1, rows[0]["id"]), (2, rows[0]["id"])]
    assert rows[1]["content"] == revised
    assert stored.metadata["artifact"]["version"] == 2
    # The model revised the current version: it saw it whole.
    prompt = model.requests[1].messages[-1].content
    assert "(v1)" in prompt and DRAFT in prompt and "결론 섹션을 추가해 주세요" in prompt
    parent = db.fetch_one("SELECT parent_id::text AS p FROM artifacts WHERE version = 2")["p"]
    assert parent == db.fetch_one("SELECT id::text AS i FROM artifacts WHERE version = 1")["i"]


def test_asking_for_a_new_document_starts_a_new_artifact(db, env, monkeypatch) -> None:
    scripted(monkeypatch, DRAFT, "# 회의록\n\n- 안건")
    first = start(db, "주간 보고서 초안을 써 주세요", workspace_id=env.id)
    run(db, first)
    run(
        db,
        start(
            db,
            "새 문서로 회의록을 만들어 주세요",
            workspace_id=env.id,
            conversation_id=first["conversation_id"],
        ),
    )
    rows = versions(db)
    assert [(r["title"], r["version"]) for r in rows] == [("주간 보고", 1), ("회의록", 1)]
    assert rows[0]["id"] != rows[1]["id"]


def test_a_code_request_makes_a_code_artifact_of_the_fenced_source(db, env, monkeypatch) -> None:
    scripted(monkeypatch, "```python\ndef add(a, b):\n    return a + b\n```\n\n`add(1, 2)`로 호출하세요.")
    run(db, start(db, "두 수를 더하는 파이썬 함수를 작성해 주세요", workspace_id=env.id))
    row = db.fetch_one("SELECT type, content, metadata FROM artifacts")
    assert row["type"] == "code"
    assert row["content"] == "def add(a, b):\n    return a + b"
    assert row["metadata"] == {"language": "python"}


def test_offline_the_canvas_writes_an_honest_draft_that_says_it_is_not_ai_written(db, env) -> None:
    stored = run(db, start(db, "신제품 출시 계획서를 작성해 주세요", workspace_id=env.id))

    [artifact] = versions(db)
    assert "[오프라인 모드]" in artifact["content"] and "AI가 작성하지 않았으며" in artifact["content"]
    assert "신제품 출시 계획서를 작성해 주세요" in artifact["content"]
    assert stored.model_used == "offline" and stored.metadata["offline"] is True
    assert stored.metadata["artifact"]["id"] == artifact["id"]


def test_offline_an_edit_changes_nothing_and_says_so(db, env) -> None:
    first = start(db, "신제품 출시 계획서를 작성해 주세요", workspace_id=env.id)
    run(db, first)
    stored = run(
        db,
        start(db, "일정을 한 달 늦춰 주세요", workspace_id=env.id, conversation_id=first["conversation_id"]),
    )
    assert len(versions(db)) == 1
    assert "수정하지 않았습니다" in stored.content and "artifact" not in stored.metadata


def test_without_a_workspace_the_canvas_writes_to_the_users_personal_canvas(db, env, monkeypatch) -> None:
    scripted(monkeypatch, DRAFT, "# 두 번째\n\n본문")
    first = run(db, start(db, "보고서 초안을 써 주세요"))
    second = run(db, start(db, "다른 대화에서 메모를 새로 만들어 주세요"))

    personal = db.fetch_all(
        "SELECT id::text AS id, title, visibility, personal FROM workspaces WHERE personal"
    )
    assert [(w["title"], w["visibility"]) for w in personal] == [("내 캔버스", "private")]
    assert (
        first.metadata["artifact"]["workspace_id"]
        == second.metadata["artifact"]["workspace_id"]
        == personal[0]["id"]
    )
    created = db.fetch_all(
        "SELECT 1 FROM activity_logs WHERE action = 'workspace.create' AND resource_id = :id::uuid",
        {"id": personal[0]["id"]},
    )
    assert len(created) == 1


def test_a_viewer_is_told_plainly_and_nothing_is_written(db, env, monkeypatch) -> None:
    model = scripted(monkeypatch)  # no reply scripted: the model must not be called
    stored = run(db, start(db, "보고서를 고쳐 주세요", empno="E2002", workspace_id=env.id))
    assert "보기 권한만" in stored.content and "편집 권한" in stored.content
    assert stored.metadata["canvas"] == "refused" and versions(db) == []
    assert model.requests == []


def test_an_archived_workspace_is_refused(db, env, monkeypatch) -> None:
    from portal.db.repositories import workspaces

    scripted(monkeypatch)
    workspaces.set_status(db, workspace_id=env.id, owner_empno="E1001", status="archived")
    stored = run(db, start(db, "보고서를 써 주세요", workspace_id=env.id))
    assert "보관 상태" in stored.content and versions(db) == []


def test_a_repeated_turn_writes_its_version_once(db, env, monkeypatch) -> None:
    scripted(monkeypatch, DRAFT, DRAFT + "\n(재실행)")
    event = start(db, "주간 보고서 초안을 써 주세요", workspace_id=env.id)
    first = run(db, event)
    # The worker crashed after saving the artifact but before its answer was stored; Express runs it again.
    db.execute(
        "DELETE FROM messages WHERE turn_id = :t::uuid AND role = 'assistant'", {"t": event["turn_id"]}
    )
    again = run(db, event)
    assert len(versions(db)) == 1
    assert again.metadata["artifact"] == first.metadata["artifact"]


def test_when_a_colleague_saves_first_both_versions_are_kept(db, env, monkeypatch) -> None:
    from portal.collab import artifacts as collab_artifacts
    from portal.db.repositories import users, workspaces
    from portal.llm import service
    from portal.llm.base import Completed, TextDelta, Usage

    workspaces.put_collaborator(db, workspace_id=env.id, owner_empno="E1001", empno="E2002", role="editor")
    scripted(monkeypatch, DRAFT)
    first = start(db, "주간 보고서 초안을 써 주세요", workspace_id=env.id)
    artifact_id = run(db, first).metadata["artifact"]["id"]

    class ColleagueSavesMidway:
        """Claude writing the revision while 김철수 saves his own edit of v1 over REST."""

        name = "anthropic"

        def stream(self, request):
            yield TextDelta(DRAFT + "\n\n## 캔버스가 추가한 결론")
            bob = users.get(db, empno="E2002")
            collab_artifacts.update(
                db, bob, env.id, artifact_id, base_version=1, content=DRAFT + "\n\n김철수 메모"
            )
            yield Completed(Usage(1, 1), request.model_id, "end_turn")

    monkeypatch.setattr(service, "providers", lambda: {"anthropic": ColleagueSavesMidway()})
    stored = run(
        db, start(db, "결론을 추가해 주세요", workspace_id=env.id, conversation_id=first["conversation_id"])
    )

    rows = versions(db)
    assert [r["version"] for r in rows] == [1, 2, 3]
    assert rows[1]["content"].endswith("김철수 메모")  # the colleague's edit is in the history
    assert rows[2]["content"].endswith("캔버스가 추가한 결론")
    assert stored.metadata["rebased_from"] == 1 and "다른 사람이 새 버전을 저장해" in stored.content


# --- live: members of the workspace see the canvas edit ------------------------------------------------


@pytest.fixture
def live(target) -> Iterator[object]:
    """The local target with 홍길동's workspace, 김철수 as editor, both signed in."""
    import httpx

    with httpx.Client(base_url=target.base_url, timeout=30) as http:
        alice = {"Authorization": f"Bearer {make_token()}"}
        http.get("/api/me", headers={"Authorization": f"Bearer {make_token('E2002', '김철수')}"})
        space = http.post("/api/workspaces", json={"title": "실시간 캔버스"}, headers=alice).json()
        http.post(
            f"/api/workspaces/{space['id']}/collaborators",
            json={"empno": "E2002", "role": "editor"},
            headers=alice,
        )
        yield space


def test_the_canvas_edit_arrives_as_artifact_updated_to_everyone_in_the_workspace(
    target, live, monkeypatch
) -> None:
    from portal import services
    from websockets.sync.client import connect

    db = services.db()
    scripted(monkeypatch, DRAFT)
    sockets = [
        connect(f"{target.ws_url}?token={make_token(e, n)}")
        for e, n in (("E1001", "홍길동"), ("E2002", "김철수"))
    ]
    try:
        for ws in sockets:
            ws.send(json.dumps({"action": "join", "workspace_id": live["id"]}))
            assert json.loads(ws.recv(timeout=10))["type"] == "presence"
        assert json.loads(sockets[0].recv(timeout=10))["type"] == "user_joined"

        event = start(db, "주간 보고서 초안을 써 주세요", workspace_id=live["id"])
        run(db, event)

        for ws in sockets:
            received = []
            while not received or received[-1]["type"] != "done":
                received.append(json.loads(ws.recv(timeout=15)))
            [update] = [e for e in received if e["type"] == "artifact.updated"]
            assert (update["source"], update["by"]["empno"]) == ("canvas", "E1001")
            assert (update["artifact"]["version"], update["artifact"]["title"]) == (1, "주간 보고")
            assert update["artifact"]["content"] == DRAFT
            # The draft streamed to both as it was written; all of it before the update, the note after.
            before = received[: received.index(update)]
            after = received[received.index(update) + 1 :]
            assert "".join(e["text"] for e in before if e["type"] == "chunk") == DRAFT
            assert "v1" in "".join(e["text"] for e in after if e["type"] == "chunk")
    finally:
        for ws in sockets:
            ws.close()
