"""Members of a workspace see its conversations: listed (with workspace and owner), readable,
announced live to their sockets; non-members and removed members get 404; writing stays with
the conversation's owner."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _as(client: TestClient, empno: str, name: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token(empno, name, company_code='LOCAL')}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


class _RecordingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[list[str], dict[str, Any]]] = []

    def send_many(self, ids: list[str], event: dict[str, Any]) -> int:
        self.sent.append((list(ids), event))
        return len(ids)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> _RecordingSender:
    from portal.realtime import broadcast

    recording = _RecordingSender()

    def sender() -> _RecordingSender:
        return recording

    sender.cache_clear = lambda: None  # type: ignore[attr-defined]  # services.reset() clears it
    monkeypatch.setattr(broadcast.services, "sender", sender)
    return recording


@pytest.fixture
def team(client: TestClient) -> dict[str, Any]:
    """홍길동 owns "분기 계획" with 김철수 as viewer; 이영희 is a colleague who is not a member."""
    owner = _as(client, "E1001", "홍길동")
    viewer = _as(client, "E2002", "김철수")
    outsider = _as(client, "E3003", "이영희")
    ws = client.post("/api/workspaces", json={"title": "분기 계획"}, headers=owner).json()
    added = client.post(
        f"/api/workspaces/{ws['id']}/collaborators", json={"empno": "E2002", "role": "viewer"}, headers=owner
    )
    assert added.status_code == 201, added.text
    return {"owner": owner, "viewer": viewer, "outsider": outsider, "ws": ws}


def _conversations(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/conversations", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _seed_message(conversation_id: str, text: str) -> None:
    import uuid

    from portal import services
    from portal.db.repositories import messages

    messages.add_user_message(
        services.db(), conversation_id=conversation_id, turn_id=str(uuid.uuid4()), content=text, metadata={}
    )


def test_a_member_lists_and_reads_the_workspace_s_conversations_but_not_the_owner_s_private_ones(
    client, team
) -> None:
    shared = client.post(
        "/api/conversations",
        json={"title": "예산 검토", "workspace_id": team["ws"]["id"]},
        headers=team["owner"],
    ).json()
    private = client.post("/api/conversations", json={"title": "개인 메모"}, headers=team["owner"]).json()
    _seed_message(shared["id"], "3분기 예산을 정리해 주세요")

    seen = _conversations(client, team["viewer"])
    assert [
        (c["id"], c["workspace_title"], c["owner_name"], c["owner_empno"], c["shared"]) for c in seen
    ] == [(shared["id"], "분기 계획", "홍길동", "E1001", True)]
    mine = {c["id"]: c for c in _conversations(client, team["owner"])}
    assert set(mine) == {shared["id"], private["id"]} and not mine[shared["id"]]["shared"]

    read = client.get(f"/api/conversations/{shared['id']}/messages", headers=team["viewer"])
    assert read.status_code == 200, read.text
    assert [m["content"] for m in read.json()["items"] if m["role"] == "user"] == [
        "3분기 예산을 정리해 주세요"
    ]
    assert client.get(f"/api/conversations/{shared['id']}", headers=team["viewer"]).json()["shared"] is True
    # The owner's conversation outside the workspace stays theirs alone.
    assert (
        client.get(f"/api/conversations/{private['id']}/messages", headers=team["viewer"]).status_code == 404
    )


def test_non_members_and_removed_members_get_404_and_writing_stays_with_the_owner(client, team) -> None:
    shared = client.post(
        "/api/conversations",
        json={"title": "예산 검토", "workspace_id": team["ws"]["id"]},
        headers=team["owner"],
    ).json()
    url = f"/api/conversations/{shared['id']}"

    assert _conversations(client, team["outsider"]) == []
    assert client.get(f"{url}/messages", headers=team["outsider"]).status_code == 404

    # A viewer reads but does not post or delete (those routes are the owner's: 404, nothing stored).
    posted = client.post(f"{url}/messages", json={"content": "제가 써도 되나요?"}, headers=team["viewer"])
    assert posted.status_code in (403, 404), posted.text
    assert client.delete(url, headers=team["viewer"]).status_code == 404
    assert client.get(f"{url}/messages", headers=team["owner"]).json()["items"] == []

    removed = client.delete(f"/api/workspaces/{team['ws']['id']}/collaborators/E2002", headers=team["owner"])
    assert removed.status_code == 204
    assert _conversations(client, team["viewer"]) == []
    assert client.get(f"{url}/messages", headers=team["viewer"]).status_code == 404
    assert client.get(url, headers=team["viewer"]).status_code == 404


def test_a_new_workspace_conversation_reaches_the_other_members_sockets_only(client, team, recorder) -> None:
    from portal import services

    services.connections().add(connection_id="conn-kim", user_empno="E2002")
    services.connections().add(connection_id="conn-lee", user_empno="E3003")
    services.connections().add(connection_id="conn-hong", user_empno="E1001")

    created = client.post(
        "/api/conversations",
        json={"title": "예산 검토", "workspace_id": team["ws"]["id"]},
        headers=team["owner"],
    ).json()
    client.post("/api/conversations", json={"title": "개인 메모"}, headers=team["owner"])

    events = [(ids, e) for ids, e in recorder.sent if e["type"] == "conversation.created"]
    assert len(events) == 1
    ids, event = events[0]
    assert ids == ["conn-kim"]
    assert event["workspace_id"] == team["ws"]["id"]
    assert event["conversation"]["id"] == created["id"]
    assert event["conversation"]["workspace_title"] == "분기 계획"
    assert event["conversation"]["owner_name"] == "홍길동"
    assert event["conversation"]["shared"] is True
