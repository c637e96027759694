"""Workspaces over REST on real PostgreSQL and moto: access, roles, collaborators, archive, activity."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _as(client: TestClient, empno: str, name: str, company_code: str = "LOCAL") -> dict[str, str]:
    """Headers of a user who has signed in once (so they can be added as a collaborator)."""
    headers = {"Authorization": f"Bearer {make_token(empno, name, company_code=company_code)}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


@pytest.fixture
def owner(client: TestClient) -> dict[str, str]:
    return _as(client, "E1001", "홍길동")


@pytest.fixture
def colleague(client: TestClient) -> dict[str, str]:
    return _as(client, "E2002", "김철수")


@pytest.fixture
def outsider(client: TestClient) -> dict[str, str]:
    return _as(client, "E9009", "외부인", company_code="OTHER")


def _workspace(client: TestClient, headers: dict, **body: object) -> dict:
    response = client.post("/api/workspaces", json={"title": "분기 보고서", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _count(db, table: str) -> int:
    return db.fetch_one(f"SELECT count(*) AS n FROM {table}")["n"]


# --- create, read, list ----------------------------------------------------------


def test_creating_a_workspace_makes_the_caller_its_owner_and_logs_it(client, owner, db) -> None:
    created = _workspace(client, owner, description="3분기", visibility="team")

    assert created["role"] == "owner" and created["owner_empno"] == "E1001"
    assert (created["title"], created["visibility"], created["status"]) == ("분기 보고서", "team", "active")
    assert created["collaborators"] == [] and created["owner_name"] == "홍길동"
    logged = db.fetch_one("SELECT empno, action, resource_type, resource_id FROM activity_logs")
    assert logged == {
        "empno": "E1001",
        "action": "workspace.create",
        "resource_type": "workspace",
        "resource_id": created["id"],
    }


@pytest.mark.parametrize(
    "body",
    [
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "ok", "visibility": "everyone"},
        {},
        {"title": "ok", "settings": {"x": "y" * 20_000}},
    ],
    ids=["blank-title", "long-title", "bad-visibility", "no-title", "huge-settings"],
)
def test_bad_workspace_bodies_are_422_and_store_nothing(client, owner, db, body: dict) -> None:
    response = client.post("/api/workspaces", json=body, headers=owner)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert _count(db, "workspaces") == 0 and _count(db, "activity_logs") == 0


def test_the_list_has_mine_and_those_shared_with_me_but_not_other_companies_team_spaces(
    client, owner, colleague, outsider
) -> None:
    mine = _workspace(client, owner, title="내 공간")
    shared = _workspace(client, colleague, title="같이 쓰는 공간")
    client.post(
        f"/api/workspaces/{shared['id']}/collaborators",
        json={"empno": "E1001", "role": "viewer"},
        headers=colleague,
    )
    team = _workspace(client, colleague, title="팀 공간", visibility="team")
    _workspace(client, colleague, title="김철수 개인", visibility="private")
    _workspace(client, outsider, title="다른 회사 팀", visibility="team")

    def titles(scope: str) -> set[str]:
        items = client.get(f"/api/workspaces?scope={scope}", headers=owner).json()["items"]
        return {w["title"] for w in items}

    assert titles("all") == {"내 공간", "같이 쓰는 공간", "팀 공간"}
    assert titles("owned") == {"내 공간"}
    assert titles("shared") == {"같이 쓰는 공간", "팀 공간"}
    roles = {w["id"]: w["role"] for w in client.get("/api/workspaces", headers=owner).json()["items"]}
    assert roles == {mine["id"]: "owner", shared["id"]: "viewer", team["id"]: "viewer"}


@pytest.mark.parametrize("visibility", ["private", "team"])
def test_a_workspace_the_caller_cannot_read_is_404_like_an_unknown_one(
    client, owner, outsider, visibility: str
) -> None:
    created = _workspace(client, owner, visibility=visibility)
    for path in (created["id"], str(uuid.uuid4()), "not-a-uuid"):
        response = client.get(f"/api/workspaces/{path}", headers=outsider)
        assert response.status_code == 404
        assert response.json()["error"] == {"code": "not_found", "message": "Workspace not found"}


def test_a_public_workspace_is_readable_by_anyone_as_a_viewer(client, owner, outsider) -> None:
    created = _workspace(client, owner, visibility="public")
    response = client.get(f"/api/workspaces/{created['id']}", headers=outsider)
    assert response.status_code == 200 and response.json()["role"] == "viewer"


# --- update and archive -------------------------------------------------------------


def test_the_owner_updates_settings_and_visibility(client, owner, db) -> None:
    created = _workspace(client, owner)
    response = client.patch(
        f"/api/workspaces/{created['id']}",
        json={"title": "새 제목", "visibility": "public", "settings": {"theme": "dark"}},
        headers=owner,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["visibility"], body["settings"], body["description"]) == (
        "새 제목",
        "public",
        {"theme": "dark"},
        None,
    )
    logged = db.fetch_one("SELECT metadata FROM activity_logs WHERE action = 'workspace.update'")
    assert logged["metadata"] == {"changed": ["settings", "title", "visibility"]}


def test_an_editor_cannot_change_settings_and_nothing_changes(client, owner, colleague) -> None:
    created = _workspace(client, owner)
    client.post(
        f"/api/workspaces/{created['id']}/collaborators",
        json={"empno": "E2002", "role": "editor"},
        headers=owner,
    )
    for method, path, body in (
        ("patch", "", {"title": "탈취"}),
        ("post", "/archive", None),
        ("post", "/collaborators", {"empno": "E9009", "role": "editor"}),
    ):
        response = client.request(
            method, f"/api/workspaces/{created['id']}{path}", json=body, headers=colleague
        )
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "forbidden"
    after = client.get(f"/api/workspaces/{created['id']}", headers=owner).json()
    assert (after["title"], after["status"], len(after["collaborators"])) == ("분기 보고서", "active", 1)


def test_an_empty_update_is_422(client, owner) -> None:
    created = _workspace(client, owner)
    assert client.patch(f"/api/workspaces/{created['id']}", json={}, headers=owner).status_code == 422


def test_archiving_makes_a_workspace_read_only_until_restored(client, owner) -> None:
    created = _workspace(client, owner)
    archived = client.post(f"/api/workspaces/{created['id']}/archive", headers=owner)
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert client.get("/api/workspaces", headers=owner).json()["items"] == []
    assert [
        w["id"] for w in client.get("/api/workspaces?status=archived", headers=owner).json()["items"]
    ] == [created["id"]]

    refused = client.post(
        f"/api/workspaces/{created['id']}/artifacts",
        json={"type": "document", "title": "t", "content": "본문"},
        headers=owner,
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "workspace_archived"

    restored = client.post(f"/api/workspaces/{created['id']}/restore", headers=owner)
    assert restored.json()["status"] == "active"
    allowed = client.post(
        f"/api/workspaces/{created['id']}/artifacts",
        json={"type": "document", "title": "t", "content": "본문"},
        headers=owner,
    )
    assert allowed.status_code == 201


# --- collaborators ---------------------------------------------------------------------


def test_the_owner_adds_a_collaborator_then_changes_their_role(client, owner, colleague) -> None:
    created = _workspace(client, owner)
    added = client.post(
        f"/api/workspaces/{created['id']}/collaborators",
        json={"empno": "E2002", "role": "viewer"},
        headers=owner,
    )
    assert added.status_code == 201
    assert [(c["empno"], c["role"], c["name"]) for c in added.json()["collaborators"]] == [
        ("E2002", "viewer", "김철수")
    ]
    assert client.get(f"/api/workspaces/{created['id']}", headers=colleague).json()["role"] == "viewer"

    changed = client.post(
        f"/api/workspaces/{created['id']}/collaborators",
        json={"empno": "E2002", "role": "editor"},
        headers=owner,
    )
    assert changed.status_code == 200
    assert [(c["empno"], c["role"]) for c in changed.json()["collaborators"]] == [("E2002", "editor")]
    assert client.get(f"/api/workspaces/{created['id']}", headers=colleague).json()["role"] == "editor"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"empno": "E4040", "role": "editor"}, 404, "not_found"),
        ({"empno": "E1001", "role": "editor"}, 400, "bad_request"),
        ({"empno": "E2002", "role": "admin"}, 422, "invalid_request"),
        ({"empno": "E2002; DROP", "role": "editor"}, 422, "invalid_request"),
    ],
    ids=["never-signed-in", "the-owner", "bad-role", "bad-empno"],
)
def test_bad_collaborators_are_refused_and_nothing_changes(
    client, owner, colleague, db, body: dict, status: int, code: str
) -> None:
    created = _workspace(client, owner)
    response = client.post(f"/api/workspaces/{created['id']}/collaborators", json=body, headers=owner)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert client.get(f"/api/workspaces/{created['id']}", headers=owner).json()["collaborators"] == []
    assert _count(db, "activity_logs") == 1  # only the creation


def test_the_owner_removes_a_collaborator_who_then_loses_access(client, owner, colleague) -> None:
    created = _workspace(client, owner)
    client.post(
        f"/api/workspaces/{created['id']}/collaborators",
        json={"empno": "E2002", "role": "editor"},
        headers=owner,
    )
    assert (
        client.delete(f"/api/workspaces/{created['id']}/collaborators/E2002", headers=owner).status_code
        == 204
    )
    assert client.get(f"/api/workspaces/{created['id']}", headers=colleague).status_code == 404
    again = client.delete(f"/api/workspaces/{created['id']}/collaborators/E2002", headers=owner)
    assert again.status_code == 404


def test_a_collaborator_may_leave_but_not_remove_others(client, owner, colleague) -> None:
    third = _as(client, "E3003", "이영희")
    created = _workspace(client, owner)
    for empno in ("E2002", "E3003"):
        client.post(
            f"/api/workspaces/{created['id']}/collaborators",
            json={"empno": empno, "role": "editor"},
            headers=owner,
        )
    refused = client.delete(f"/api/workspaces/{created['id']}/collaborators/E3003", headers=colleague)
    assert refused.status_code == 403
    assert (
        client.delete(f"/api/workspaces/{created['id']}/collaborators/E2002", headers=colleague).status_code
        == 204
    )
    remaining = client.get(f"/api/workspaces/{created['id']}", headers=third).json()["collaborators"]
    assert [c["empno"] for c in remaining] == ["E3003"]


# --- activity -------------------------------------------------------------------------------


def test_activity_lists_the_workspace_and_artifact_changes_newest_first(client, owner, colleague) -> None:
    created = _workspace(client, owner)
    other = _workspace(client, owner, title="다른 공간")
    client.post(
        f"/api/workspaces/{created['id']}/collaborators",
        json={"empno": "E2002", "role": "editor"},
        headers=owner,
    )
    artifact = client.post(
        f"/api/workspaces/{created['id']}/artifacts",
        json={"type": "document", "title": "초안", "content": "v1"},
        headers=colleague,
    ).json()
    client.patch(
        f"/api/workspaces/{created['id']}/artifacts/{artifact['id']}",
        json={"base_version": 1, "content": "v2", "title": "초안 2"},
        headers=owner,
    )
    client.patch(f"/api/workspaces/{other['id']}", json={"title": "무관한 변경"}, headers=owner)

    items = client.get(f"/api/workspaces/{created['id']}/activity", headers=colleague).json()["items"]

    assert [(a["action"], a["empno"]) for a in items] == [
        ("artifact.update", "E1001"),
        ("artifact.create", "E2002"),
        ("workspace.collaborator_add", "E1001"),
        ("workspace.create", "E1001"),
    ]
    assert [a["resource_name"] for a in items] == ["초안 2", "초안", "분기 보고서", "분기 보고서"]
    assert items[1]["user_name"] == "김철수"
    assert items[0]["metadata"]["artifact_id"] == artifact["id"] and items[0]["metadata"]["version"] == 2
    assert items[2]["metadata"] == {"empno": "E2002", "role": "editor", "previous_role": None}


def test_activity_of_a_workspace_the_caller_cannot_read_is_404(client, owner, outsider) -> None:
    created = _workspace(client, owner)
    assert client.get(f"/api/workspaces/{created['id']}/activity", headers=outsider).status_code == 404
