"""Conversations beyond the chat: rename, keyset paging, Korean-aware search with highlighted
hits, Markdown export and read-only shares (with a colleague or a workspace, revocable, checked
on every read)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _as(client: TestClient, empno: str, name: str, company: str = "LOCAL") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token(empno, name, company_code=company)}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


@pytest.fixture
def people(client: TestClient) -> dict[str, dict[str, str]]:
    return {
        "owner": _as(client, "E1001", "홍길동"),
        "colleague": _as(client, "E2002", "김철수"),
        "other": _as(client, "E3003", "이영희"),
        "outsider": _as(client, "E9009", "외부인", company="OTHER"),
    }


def _conversation(client: TestClient, headers: dict[str, str], title: str) -> dict[str, Any]:
    created = client.post("/api/conversations", json={"title": title}, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


def _say(conversation_id: str, user: str, answer: str | None = None) -> None:
    from portal import services
    from portal.db.repositories import messages

    turn = str(uuid.uuid4())
    db = services.db()
    messages.add_user_message(db, conversation_id=conversation_id, turn_id=turn, content=user, metadata={})
    if answer is not None:
        messages.save_assistant_message(
            db,
            conversation_id=conversation_id,
            turn_id=turn,
            content=answer,
            status="completed",
            agent_type="general",
            model_used="claude-haiku",
            metadata={"citations": [{"file_name": "규정.pdf", "page": 3}]},
        )


# --- rename ---------------------------------------------------------------------------------


def test_the_owner_renames_and_a_blank_or_long_title_changes_nothing(client, people) -> None:
    conv = _conversation(client, people["owner"], "처음 제목")
    url = f"/api/conversations/{conv['id']}"

    renamed = client.patch(url, json={"title": "  분기   예산 검토 "}, headers=people["owner"])
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "분기 예산 검토"

    for bad in ({"title": "   "}, {"title": "가" * 201}, {}):
        refused = client.patch(url, json=bad, headers=people["owner"])
        assert refused.status_code == 422, bad
    assert client.get(url, headers=people["owner"]).json()["title"] == "분기 예산 검토"
    # Someone else's conversation is unknown to them.
    assert client.patch(url, json={"title": "남의 것"}, headers=people["colleague"]).status_code == 404


# --- paging ---------------------------------------------------------------------------------


def test_the_list_pages_past_fifty_without_repeats_or_gaps(client, people, db) -> None:
    made = [_conversation(client, people["owner"], f"대화 {i}")["id"] for i in range(57)]
    # Same updated_at for several rows: the id breaks ties, so no row is skipped or repeated.
    db.execute(
        "UPDATE conversations SET updated_at = TIMESTAMPTZ '2026-11-01 09:00+09' WHERE title LIKE '대화 1%'",
        {},
    )
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 20, **({"after": after} if after else {})}
        page = client.get("/api/conversations", params=params, headers=people["owner"])
        assert page.status_code == 200, page.text
        seen += [c["id"] for c in page.json()["items"]]
        after = page.json()["next_cursor"]
        pages += 1
        if after is None:
            break
    assert pages == 3 and len(seen) == 57 and set(seen) == set(made)

    assert (
        client.get("/api/conversations", params={"after": "없는-커서"}, headers=people["owner"]).status_code
        == 422
    )


# --- search ---------------------------------------------------------------------------------


def test_korean_search_finds_stems_across_particles_and_marks_the_words(client, people) -> None:
    tax = _conversation(client, people["owner"], "세금 문의")
    _say(tax["id"], "부가가치세를 신고하려면 무엇이 필요한가요?", "부가가치세 신고는 홈택스에서 합니다.")
    trip = _conversation(client, people["owner"], "출장 준비")
    _say(trip["id"], "다음 주 부산 출장 일정을 정리해 줘", "부산 출장은 화요일입니다.")
    theirs = _conversation(client, people["colleague"], "남의 세금")
    _say(theirs["id"], "부가가치세 신고 기한은?")

    found = client.get("/api/conversations/search", params={"q": "부가가치세 신고"}, headers=people["owner"])
    assert found.status_code == 200, found.text
    hits = found.json()["items"]
    assert {h["conversation_id"] for h in hits} == {tax["id"]}  # not the colleague's, not 출장
    assert len(hits) == 2
    marked = {p["text"] for h in hits for p in h["parts"] if p["hit"]}
    assert marked == {"부가가치세", "신고"}

    # A particle on the query word does not stop it; every word must match (AND).
    particle = client.get("/api/conversations/search", params={"q": "출장을"}, headers=people["owner"]).json()
    assert {h["conversation_id"] for h in particle["items"]} == {trip["id"]}
    both = client.get(
        "/api/conversations/search", params={"q": "부산 부가가치세"}, headers=people["owner"]
    ).json()
    assert both["items"] == []
    # Titles are searched too, and a rename is found at the next search.
    client.patch(f"/api/conversations/{trip['id']}", json={"title": "워크숍 준비"}, headers=people["owner"])
    title = client.get("/api/conversations/search", params={"q": "워크숍"}, headers=people["owner"]).json()
    assert [(h["conversation_id"], h["message_id"]) for h in title["items"]] == [(trip["id"], None)]


def test_search_rejects_an_empty_or_too_long_query(client, people) -> None:
    for q in ("", "   ", "가" * 201):
        assert client.get(
            "/api/conversations/search", params={"q": q}, headers=people["owner"]
        ).status_code in (
            400,
            422,
        )
    assert client.get("/api/conversations/search", headers=people["owner"]).status_code == 422


def test_search_indexes_a_changed_answer_again(client, people) -> None:
    from portal import services
    from portal.db.repositories import messages

    conv = _conversation(client, people["owner"], "진행 중")
    turn = str(uuid.uuid4())
    db = services.db()
    messages.add_user_message(db, conversation_id=conv["id"], turn_id=turn, content="질문", metadata={})
    kw: dict[str, Any] = {
        "conversation_id": conv["id"],
        "turn_id": turn,
        "agent_type": "general",
        "model_used": "m",
    }
    messages.save_assistant_message(db, content="작성 중인 답", status="streaming", **kw)
    assert (
        client.get("/api/conversations/search", params={"q": "연말정산"}, headers=people["owner"]).json()[
            "items"
        ]
        == []
    )
    messages.save_assistant_message(db, content="연말정산 서류는 1월에 냅니다.", status="completed", **kw)
    hits = client.get("/api/conversations/search", params={"q": "연말정산"}, headers=people["owner"]).json()[
        "items"
    ]
    assert [h["role"] for h in hits] == ["assistant"]


# --- export ---------------------------------------------------------------------------------


def test_export_is_markdown_with_roles_times_and_citations(client, people) -> None:
    conv = _conversation(client, people["owner"], "휴가/규정: 정리")
    _say(conv["id"], "연차는 며칠인가요?", "연차는 15일입니다.\n\n```python\nprint(15)\n```")
    got = client.get(f"/api/conversations/{conv['id']}/export", headers=people["owner"])
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/markdown")
    assert (
        "filename*=UTF-8''%ED%9C%B4%EA%B0%80_%EA%B7%9C%EC%A0%95_%20%EC%A0%95%EB%A6%AC.md"
        in got.headers["content-disposition"]
    )
    text = got.text
    assert text.startswith("# 휴가/규정: 정리\n")
    assert "- 작성자: 홍길동" in text
    assert (
        text.index("## 질문")
        < text.index("연차는 며칠인가요?")
        < text.index("## 답변")
        < text.index("print(15)")
    )
    assert "claude-haiku" in text and "- 규정.pdf p.3" in text
    assert (
        client.get(f"/api/conversations/{conv['id']}/export", headers=people["colleague"]).status_code == 404
    )


# --- shares ---------------------------------------------------------------------------------


def test_a_colleague_reads_a_shared_conversation_until_the_share_is_revoked(client, people) -> None:
    conv = _conversation(client, people["owner"], "예산안")
    _say(conv["id"], "예산안 요약", "요약입니다.")
    url = f"/api/conversations/{conv['id']}"
    assert client.get(f"{url}/messages", headers=people["colleague"]).status_code == 404

    shared = client.post(f"{url}/shares", json={"empno": "E2002"}, headers=people["owner"])
    assert shared.status_code == 201, shared.text
    assert shared.json()["grantee_name"] == "김철수" and shared.json()["kind"] == "person"
    again = client.post(f"{url}/shares", json={"empno": "E2002"}, headers=people["owner"])
    assert again.status_code == 200 and again.json()["id"] == shared.json()["id"]

    listed = {
        c["id"]: c for c in client.get("/api/conversations", headers=people["colleague"]).json()["items"]
    }
    assert listed[conv["id"]]["shared"] is True and listed[conv["id"]]["owner_name"] == "홍길동"
    assert len(client.get(f"{url}/messages", headers=people["colleague"]).json()["items"]) == 2
    assert client.get(f"{url}/export", headers=people["colleague"]).status_code == 200
    # Read-only: no posting, renaming, sharing onwards or deleting.
    assert (
        client.post(
            f"{url}/messages", json={"content": "제가 써도?"}, headers=people["colleague"]
        ).status_code
        == 404
    )
    assert client.patch(url, json={"title": "바꿈"}, headers=people["colleague"]).status_code == 404
    assert (
        client.post(f"{url}/shares", json={"empno": "E3003"}, headers=people["colleague"]).status_code == 404
    )
    assert client.get(f"{url}/shares", headers=people["colleague"]).status_code == 404
    assert client.delete(url, headers=people["colleague"]).status_code == 404
    # Someone not named still cannot read it.
    assert client.get(f"{url}/messages", headers=people["other"]).status_code == 404

    revoked = client.delete(f"{url}/shares/{shared.json()['id']}", headers=people["owner"])
    assert revoked.status_code == 204
    assert client.get(f"{url}/messages", headers=people["colleague"]).status_code == 404
    assert client.get(url, headers=people["colleague"]).status_code == 404
    assert conv["id"] not in {
        c["id"] for c in client.get("/api/conversations", headers=people["colleague"]).json()["items"]
    }
    assert client.delete(f"{url}/shares/{shared.json()['id']}", headers=people["owner"]).status_code == 404


def test_a_workspace_share_follows_membership(client, people) -> None:
    ws = client.post("/api/workspaces", json={"title": "기획팀"}, headers=people["owner"]).json()
    client.post(
        f"/api/workspaces/{ws['id']}/collaborators",
        json={"empno": "E2002", "role": "viewer"},
        headers=people["owner"],
    )
    conv = _conversation(client, people["owner"], "개인 대화")
    url = f"/api/conversations/{conv['id']}"

    shared = client.post(f"{url}/shares", json={"workspace_id": ws["id"]}, headers=people["owner"])
    assert shared.status_code == 201, shared.text
    assert shared.json()["workspace_title"] == "기획팀"
    assert client.get(url, headers=people["colleague"]).status_code == 200
    assert client.get(url, headers=people["other"]).status_code == 404

    client.delete(f"/api/workspaces/{ws['id']}/collaborators/E2002", headers=people["owner"])
    assert client.get(url, headers=people["colleague"]).status_code == 404


def test_bad_share_targets_are_refused_and_store_nothing(client, people) -> None:
    conv = _conversation(client, people["owner"], "대화")
    url = f"/api/conversations/{conv['id']}/shares"
    theirs = client.post("/api/workspaces", json={"title": "남의 공간"}, headers=people["other"]).json()
    cases = [
        ({}, 422),
        ({"empno": "E2002", "workspace_id": theirs["id"]}, 422),
        ({"empno": "E1001"}, 422),  # oneself
        ({"empno": "E9009"}, 404),  # another company
        ({"empno": "E0000"}, 404),  # nobody
        ({"workspace_id": theirs["id"]}, 404),  # not a member
        ({"workspace_id": "not-a-uuid"}, 404),
    ]
    for body, status in cases:
        got = client.post(url, json=body, headers=people["owner"])
        assert got.status_code == status, (body, got.text)
        assert got.json()["error"]["message"]
    assert client.get(url, headers=people["owner"]).json()["items"] == []


# --- prompt templates -----------------------------------------------------------------------


def test_templates_are_personal_or_shared_within_the_company_and_only_the_owner_changes_them(
    client, people
) -> None:
    base = "/api/prompt-templates"
    mine = client.post(
        base, json={"title": "주간 보고", "body": "이번 주 한 일을 정리해 줘"}, headers=people["owner"]
    )
    assert mine.status_code == 201, mine.text
    shared = client.post(
        base,
        json={"title": "회의록", "body": "다음 회의 내용을 회의록으로 정리해 줘", "shared": True},
        headers=people["owner"],
    ).json()

    def titles(who: str) -> list[tuple[str, bool]]:
        return [(t["title"], t["mine"]) for t in client.get(base, headers=people[who]).json()["items"]]

    assert titles("owner") == [("주간 보고", True), ("회의록", True)]
    assert titles("colleague") == [("회의록", False)]
    assert titles("outsider") == []  # another company

    url = f"{base}/{shared['id']}"
    assert client.patch(url, json={"title": "남이 바꿈"}, headers=people["colleague"]).status_code == 404
    assert client.delete(url, headers=people["colleague"]).status_code == 404
    changed = client.patch(url, json={"shared": False}, headers=people["owner"])
    assert changed.status_code == 200 and changed.json()["shared"] is False
    assert titles("colleague") == []

    for bad in (
        {"title": " ", "body": "x"},
        {"title": "t", "body": ""},
        {"title": "t", "body": "가" * 8001},
        {"title": "t"},
    ):
        assert client.post(base, json=bad, headers=people["owner"]).status_code == 422, bad
    assert client.patch(url, json={"body": "   "}, headers=people["owner"]).status_code == 422
    assert len(titles("owner")) == 2
    assert client.delete(url, headers=people["owner"]).status_code == 204
    assert titles("owner") == [("주간 보고", True)]


# --- citations open the file ----------------------------------------------------------------


def test_a_file_link_is_a_presigned_get_at_the_cited_pdf_page_for_readers_only(client, people) -> None:
    from portal import services
    from portal.db.repositories import users
    from portal.rag import uploads

    owner = users.get(services.db(), empno="E1001")
    assert owner is not None
    pdf = uploads.request_upload(
        services.db(), user=owner, name="규정.pdf", size=10, mime_type="application/pdf"
    ).file.id
    got = client.get(f"/api/files/{pdf}/link", params={"page": 3}, headers=people["owner"])
    assert got.status_code == 200, got.text
    link = got.json()
    assert "X-Amz-Signature=" in link["url"] and link["url"].endswith("#page=3")
    assert "response-content-type=application%2Fpdf" in link["url"]
    assert link["page"] == 3 and link["expires_in"] == 300 and link["name"] == "규정.pdf"

    md = uploads.request_upload(
        services.db(), user=owner, name="메모.md", size=10, mime_type="text/markdown"
    ).file.id
    plain = client.get(f"/api/files/{md}/link", params={"page": 2}, headers=people["owner"]).json()
    assert "#page=" not in plain["url"] and plain["page"] is None

    assert client.get(f"/api/files/{pdf}/link", headers=people["colleague"]).status_code == 404
    assert (
        client.get(f"/api/files/{pdf}/link", params={"page": 0}, headers=people["owner"]).status_code == 422
    )
    assert client.get("/api/files/not-a-uuid/link", headers=people["owner"]).status_code == 404
