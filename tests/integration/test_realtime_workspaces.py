"""Real-time workspaces with real WebSocket clients on the local target: presence, live artifact
edits, refusal of outsiders, bad frames, revoked access, shared chat turns and vanished sockets.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.conftest import make_token

pytestmark = pytest.mark.integration


def recv(ws: ClientConnection, timeout: float = 10.0) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def send(ws: ClientConnection, **frame: object) -> None:
    ws.send(json.dumps(frame))


def assert_quiet(ws: ClientConnection) -> None:
    """Nothing else is queued for this socket: a ping is answered next."""
    send(ws, action="ping")
    assert recv(ws) == {"type": "pong"}


class People:
    """Signed-in users of the target and their REST headers."""

    def __init__(self, target) -> None:
        self.target = target
        self.http = httpx.Client(base_url=target.base_url, timeout=60)
        self.tokens: dict[str, str] = {}

    def sign_in(self, empno: str, name: str, company_code: str = "LOCAL") -> dict[str, str]:
        token = make_token(empno, name, company_code=company_code)
        self.tokens[empno] = token
        headers = {"Authorization": f"Bearer {token}"}
        assert self.http.get("/api/me", headers=headers).status_code == 200
        return headers

    def socket(self, empno: str) -> ClientConnection:
        return connect(f"{self.target.ws_url}?token={self.tokens[empno]}")


@pytest.fixture
def people(target) -> Iterator[People]:
    p = People(target)
    yield p
    p.http.close()


@pytest.fixture
def space(people: People) -> dict:
    """홍길동's workspace with 김철수 as editor; 외부인 (another company) has no access."""
    alice = people.sign_in("E1001", "홍길동")
    people.sign_in("E2002", "김철수")
    people.sign_in("E9009", "외부인", company_code="OTHER")
    workspace = people.http.post("/api/workspaces", json={"title": "공동 작업"}, headers=alice).json()
    added = people.http.post(
        f"/api/workspaces/{workspace['id']}/collaborators",
        json={"empno": "E2002", "role": "editor"},
        headers=alice,
    )
    assert added.status_code == 201
    return workspace


def headers(people: People, empno: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[empno]}"}


@contextmanager
def joined(people: People, empno: str, workspace_id: str) -> Iterator[tuple[ClientConnection, dict]]:
    with people.socket(empno) as ws:
        send(ws, action="join", workspace_id=workspace_id)
        presence = recv(ws)
        assert presence["type"] == "presence", presence
        yield ws, presence


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def members(workspace_id: str) -> list[str]:
    from portal import services

    return sorted(m.empno for m in services.connections().in_workspace(workspace_id))


# --- presence and live edits -----------------------------------------------------------------


def test_two_collaborators_see_each_others_presence_and_edits(people: People, space: dict) -> None:
    ws_id = space["id"]
    with (
        joined(people, "E1001", ws_id) as (alice, alice_presence),
        joined(people, "E2002", ws_id) as (bob, bob_presence),
    ):
        assert (alice_presence["joined"], alice_presence["role"]) == (True, "owner")
        assert [u["empno"] for u in alice_presence["users"]] == ["E1001"]
        assert bob_presence["role"] == "editor"
        assert [(u["empno"], u["name"]) for u in bob_presence["users"]] == [
            ("E1001", "홍길동"),
            ("E2002", "김철수"),
        ]
        announced = recv(alice)
        assert (announced["type"], announced["empno"], announced["name"]) == (
            "user_joined",
            "E2002",
            "김철수",
        )

        # Bob creates an artifact, Alice edits it: both see both versions as they land.
        created = people.http.post(
            f"/api/workspaces/{ws_id}/artifacts",
            json={"type": "document", "title": "회의록", "content": "# 회의록\n\n안건 1"},
            headers=headers(people, "E2002"),
        ).json()
        people.http.patch(
            f"/api/workspaces/{ws_id}/artifacts/{created['id']}",
            json={"base_version": 1, "content": "# 회의록\n\n안건 1\n안건 2"},
            headers=headers(people, "E1001"),
        )
        for ws in (alice, bob):
            first, second = recv(ws), recv(ws)
            assert [first["type"], second["type"]] == ["artifact.updated", "artifact.updated"]
            assert [first["artifact"]["version"], second["artifact"]["version"]] == [1, 2]
            assert [first["by"]["empno"], second["by"]["empno"]] == ["E2002", "E1001"]
            assert second["artifact"]["id"] == created["id"] and second["artifact"]["content"].endswith(
                "안건 2"
            )
            assert second["source"] == "api"

        send(bob, action="leave", workspace_id=ws_id)
        left_presence = recv(bob)
        assert (left_presence["type"], left_presence["joined"]) == ("presence", False)
        assert [u["empno"] for u in left_presence["users"]] == ["E1001"]
        left = recv(alice)
        assert (left["type"], left["empno"]) == ("user_left", "E2002")
        assert_quiet(alice)
        assert_quiet(bob)
        assert members(ws_id) == ["E1001"]


def test_a_user_without_access_is_refused_and_joins_nothing(people: People, space: dict) -> None:
    ws_id = space["id"]
    with joined(people, "E1001", ws_id) as (alice, _), people.socket("E9009") as outsider:
        send(outsider, action="join", workspace_id=ws_id)
        refused = recv(outsider)
        assert (refused["type"], refused["code"], refused["workspace_id"], refused["action"]) == (
            "error",
            "not_found",
            ws_id,
            "join",
        )
        assert_quiet(alice)  # no user_joined for the outsider
        assert members(ws_id) == ["E1001"]

        # And nothing of the workspace reaches the outsider afterwards.
        people.http.post(
            f"/api/workspaces/{ws_id}/artifacts",
            json={"type": "document", "title": "비밀", "content": "내부 자료"},
            headers=headers(people, "E1001"),
        )
        assert recv(alice)["type"] == "artifact.updated"
        assert_quiet(outsider)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"action": "join"}, "bad_request"),
        ({"action": "join", "workspace_id": 7}, "bad_request"),
        ({"action": "join", "workspace_id": "not-a-uuid"}, "not_found"),
        ({"action": "join", "workspace_id": str(uuid.uuid4())}, "not_found"),
        ({"action": "leave", "workspace_id": str(uuid.uuid4())}, "not_joined"),
    ],
    ids=["missing-id", "id-not-a-string", "malformed-id", "unknown-workspace", "leave-without-join"],
)
def test_bad_join_and_leave_frames_get_an_error_and_change_nothing(
    people: People, frame: dict, code: str
) -> None:
    from portal import aws
    from portal.settings import get_settings

    people.sign_in("E1001", "홍길동")
    with people.socket("E1001") as ws:
        send(ws, **frame)
        event = recv(ws)
        assert (event["type"], event["code"], event["action"]) == ("error", code, frame["action"])
        assert_quiet(ws)
    table = aws.dynamodb_table(get_settings().connections_table)
    assert [i for i in table.scan()["Items"] if i["sk"].startswith("ws#")] == []


def test_presence_is_per_user_not_per_socket(people: People, space: dict) -> None:
    ws_id = space["id"]
    with joined(people, "E1001", ws_id) as (alice, _):
        with joined(people, "E2002", ws_id) as (tab1, _):
            assert recv(alice)["type"] == "user_joined"
            with joined(people, "E2002", ws_id) as (tab2, presence):
                # A second tab of someone already here is not news.
                assert [(u["empno"], u["connections"]) for u in presence["users"]] == [
                    ("E1001", 1),
                    ("E2002", 2),
                ]
                assert_quiet(alice)
                assert_quiet(tab1)
            # tab2 closed, but 김철수 is still here through tab1.
            wait_for(lambda: members(ws_id) == ["E1001", "E2002"])
            assert_quiet(alice)
        wait_for(lambda: members(ws_id) == ["E1001"])
        gone = recv(alice)
        assert (gone["type"], gone["empno"]) == ("user_left", "E2002")


def test_a_removed_collaborator_is_dropped_from_the_live_workspace(people: People, space: dict) -> None:
    ws_id = space["id"]
    with joined(people, "E1001", ws_id) as (alice, _), joined(people, "E2002", ws_id) as (bob, _):
        assert recv(alice)["type"] == "user_joined"
        removed = people.http.delete(
            f"/api/workspaces/{ws_id}/collaborators/E2002", headers=headers(people, "E1001")
        )
        assert removed.status_code == 204

        revoked = recv(bob)
        assert (revoked["type"], revoked["code"], revoked["workspace_id"]) == (
            "error",
            "access_revoked",
            ws_id,
        )
        # and their workspace list drops it live (sent to all their sockets)
        membership = recv(bob)
        assert (membership["type"], membership["workspace_id"], membership["role"]) == (
            "workspace.membership",
            ws_id,
            None,
        )
        left = recv(alice)
        assert (left["type"], left["empno"]) == ("user_left", "E2002")
        assert members(ws_id) == ["E1001"]

        people.http.post(
            f"/api/workspaces/{ws_id}/artifacts",
            json={"type": "document", "title": "이후 자료", "content": "x"},
            headers=headers(people, "E1001"),
        )
        assert recv(alice)["type"] == "artifact.updated"
        assert_quiet(bob)


def test_a_socket_can_join_only_so_many_workspaces(people: People) -> None:
    from portal.realtime.presence import MAX_WORKSPACES_PER_CONNECTION

    alice = people.sign_in("E1001", "홍길동")
    ids = [
        people.http.post("/api/workspaces", json={"title": f"w{n}"}, headers=alice).json()["id"]
        for n in range(MAX_WORKSPACES_PER_CONNECTION + 1)
    ]
    with people.socket("E1001") as ws:
        for ws_id in ids[:-1]:
            send(ws, action="join", workspace_id=ws_id)
            assert recv(ws)["type"] == "presence"
        send(ws, action="join", workspace_id=ids[-1])
        assert recv(ws)["code"] == "too_many_workspaces"
        assert members(ids[-1]) == []


# --- shared chat turns -----------------------------------------------------------------------------


def test_a_chat_turn_in_a_shared_workspace_streams_to_its_members(
    people: People, space: dict, monkeypatch
) -> None:
    from portal.llm import service

    from tests.scripted import ScriptedModel

    reply = "공유 워크스페이스의 모든 구성원이 이 답변을 실시간으로 봅니다. " * 2
    monkeypatch.setattr(
        service, "providers", lambda: {"offline": ScriptedModel([reply], name="offline", chunk_size=4)}
    )
    ws_id = space["id"]
    with (
        joined(people, "E1001", ws_id) as (alice, _),
        joined(people, "E2002", ws_id) as (bob, _),
        people.socket("E9009") as outsider,
    ):
        assert recv(alice)["type"] == "user_joined"
        conversation = people.http.post(
            "/api/conversations", json={"workspace_id": ws_id}, headers=headers(people, "E1001")
        ).json()
        accepted = people.http.post(
            f"/api/conversations/{conversation['id']}/messages",
            json={"content": "이번 분기 목표를 정리해 주세요"},
            headers=headers(people, "E1001"),
        )
        assert accepted.status_code == 202
        turn_id = accepted.json()["turn_id"]

        # The other member's list gains the conversation live (the author created it)
        listed = recv(bob)
        assert (listed["type"], listed["conversation"]["id"]) == ("conversation.created", conversation["id"])
        for ws in (bob, alice):
            created = recv(ws)
            assert created["type"] == "message.created"
            assert (created["turn_id"], created["conversation_id"]) == (turn_id, conversation["id"])
            assert created["message"]["content"] == "이번 분기 목표를 정리해 주세요"
            assert created["by"] == {"empno": "E1001", "name": "홍길동"}
            events = []
            while not events or events[-1]["type"] != "done":
                events.append(recv(ws, timeout=30))
            chunks = [e for e in events if e["type"] == "chunk"]
            assert all(e["turn_id"] == turn_id for e in events)
            assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))  # once each, in order
            assert "".join(c["text"] for c in chunks) == reply
            assert events[-1]["last_seq"] == len(chunks)
        assert_quiet(outsider)


def test_a_vanished_socket_is_cleaned_up_by_the_next_broadcast(people: People, space: dict) -> None:
    from portal import services

    store = services.connections()
    ghost = store.add(connection_id="vanished=", user_empno="E2002")
    store.join(ghost, workspace_id=space["id"], name="김철수")
    assert members(space["id"]) == ["E2002"]

    people.http.post(
        f"/api/workspaces/{space['id']}/artifacts",
        json={"type": "document", "title": "t", "content": "x"},
        headers=headers(people, "E1001"),
    )

    assert store.get("vanished=") is None
    assert members(space["id"]) == []
