"""Writes into a workspace go through one check (portal.collab.access.require_write): removed
collaborators cannot post, viewers cannot add files, retrieval stays in the user's own scope
and cites whose file a passage is, and an upload without a live row does not outlive it."""

from __future__ import annotations

import pytest
import requests
from fastapi.testclient import TestClient
from portal import aws

from tests.conftest import make_token
from tests.unit.rag_samples import PDF, policy_pdf

pytestmark = pytest.mark.integration
BUCKET = "portal-uploads"


@pytest.fixture
def client(app_database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def signed_in(client: TestClient, empno: str, name: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token(empno, name)}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    return headers


@pytest.fixture
def team(client: TestClient) -> dict:
    """홍길동's private workspace with 김철수 as editor and 이영희 as viewer."""
    people = {
        "owner": signed_in(client, "E1001", "홍길동"),
        "editor": signed_in(client, "E2002", "김철수"),
        "viewer": signed_in(client, "E3003", "이영희"),
    }
    space = client.post("/api/workspaces", json={"title": "기획"}, headers=people["owner"]).json()["id"]
    for empno, role in (("E2002", "editor"), ("E3003", "viewer")):
        added = client.post(
            f"/api/workspaces/{space}/collaborators",
            json={"empno": empno, "role": role},
            headers=people["owner"],
        )
        assert added.status_code == 201
    return {"space": space, **people}


def test_a_removed_collaborator_cannot_post_in_the_workspace_conversation(
    client: TestClient, team: dict, db, monkeypatch
) -> None:
    from portal.realtime import broadcast

    announced: list[object] = []
    monkeypatch.setattr(broadcast, "message_created", lambda *a, **k: announced.append(a))
    # Given 김철수 started a conversation in the workspace while he was an editor
    conversation = client.post(
        "/api/conversations", json={"workspace_id": team["space"]}, headers=team["editor"]
    ).json()["id"]
    # When the owner removes him and he posts into that conversation
    removed = client.delete(f"/api/workspaces/{team['space']}/collaborators/E2002", headers=team["owner"])
    assert removed.status_code == 204
    response = client.post(
        f"/api/conversations/{conversation}/messages",
        json={"content": "아직 볼 수 있나요?"},
        headers=team["editor"],
    )
    # Then it is refused like any workspace he cannot read, nothing is stored or broadcast
    assert response.status_code == 404, response.text
    assert db.fetch_one("SELECT count(*) AS n FROM messages")["n"] == 0
    assert announced == []


def test_a_viewer_cannot_add_files_and_an_editor_can(client: TestClient, team: dict, db) -> None:
    body = {"name": "a.pdf", "size": 10, "type": PDF, "workspace_id": team["space"]}
    refused = client.post("/api/files", json=body, headers=team["viewer"])
    assert refused.status_code == 403
    assert refused.json()["error"]["required"] == "editor"
    assert db.fetch_one("SELECT count(*) AS n FROM uploaded_files")["n"] == 0
    assert client.post("/api/files", json=body, headers=team["editor"]).status_code == 201


def test_files_of_an_archived_workspace_are_refused(client: TestClient, team: dict) -> None:
    client.post(f"/api/workspaces/{team['space']}/archive", headers=team["owner"])
    body = {"name": "a.pdf", "size": 10, "type": PDF, "workspace_id": team["space"]}
    response = client.post("/api/files", json=body, headers=team["editor"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "workspace_archived"


# --- retrieval scope ----------------------------------------------------------------------


def _upload_into(client: TestClient, headers: dict, workspace_id: str | None, data: bytes) -> str:
    body = {"name": "정책.pdf", "size": len(data), "type": PDF}
    if workspace_id:
        body["workspace_id"] = workspace_id
    created = client.post("/api/files", json=body, headers=headers).json()
    upload = created["upload"]
    # moto's bucket notification runs the ingest function in-process, as the local target does.
    stored = requests.post(upload["url"], data=upload["fields"], files={"file": ("p.pdf", data)}, timeout=120)
    assert stored.status_code == 204
    return created["file"]["id"]


def test_a_public_workspace_file_of_another_user_is_not_in_the_default_scope(client: TestClient, db) -> None:
    from portal.rag.retrieve import search

    stranger = signed_in(client, "E7007", "외부인")
    signed_in(client, "E1001", "홍길동")
    public = client.post(
        "/api/workspaces", json={"title": "공개 자료실", "visibility": "public"}, headers=stranger
    ).json()["id"]
    planted = _upload_into(client, stranger, public, policy_pdf())
    question = "What is the annual leave policy?"
    # The stranger's file is not quoted to 홍길동 by default, though he can read the workspace
    assert search(db, empno="E1001", question=question) == []
    # ... only when he attaches it, and then the citation says whose file it is and where
    attached = search(db, empno="E1001", question=question, file_ids=[planted])
    assert attached and {p.file_id for p in attached} == {planted}
    citation = attached[0].citation()
    assert (citation["owner"], citation["owner_name"], citation["workspace"]) == (
        "E7007",
        "외부인",
        "공개 자료실",
    )
    # The stranger, a member of his own workspace, still finds it by default
    assert {p.file_id for p in search(db, empno="E7007", question=question)} == {planted}


def test_files_of_workspaces_the_user_is_a_member_of_are_searched(client: TestClient, team: dict, db) -> None:
    from portal.rag.retrieve import search

    shared = _upload_into(client, team["editor"], team["space"], policy_pdf())
    found = search(db, empno="E3003", question="What is the annual leave policy?")
    assert {p.file_id for p in found} == {shared}
    assert found[0].source(korean=True) == "김철수, 워크스페이스 ‘기획’"


# --- uploads that outlive their row -----------------------------------------------------------


def _objects() -> list[str]:
    listed = aws.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="uploads/")
    return [o["Key"] for o in listed.get("Contents", [])]


def test_the_presigned_post_after_deletion_leaves_no_object(client: TestClient, db) -> None:
    headers = signed_in(client, "E1001", "홍길동")
    data = policy_pdf()
    created = client.post(
        "/api/files", json={"name": "p.pdf", "size": len(data), "type": PDF}, headers=headers
    ).json()
    # Given the file is deleted before its (still valid) presigned POST is used
    assert client.delete(f"/api/files/{created['file']['id']}", headers=headers).status_code == 204
    upload = created["upload"]
    response = requests.post(
        upload["url"], data=upload["fields"], files={"file": ("p.pdf", data)}, timeout=120
    )
    # Then S3 accepts the bytes, but the ingest event removes the object that has no row
    assert response.status_code == 204
    assert _objects() == []
    assert db.fetch_one("SELECT count(*) AS n FROM uploaded_files")["n"] == 0
