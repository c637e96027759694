"""/api/files over real PostgreSQL and moto: presigned uploads, status, listing, deletion, bad input."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests
from fastapi.testclient import TestClient
from portal import aws

from tests.conftest import make_token
from tests.unit.rag_samples import PDF, policy_pdf

pytestmark = pytest.mark.integration
BUCKET = "portal-uploads"


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _headers(empno: str = "E1001", name: str = "홍길동") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(empno, name)}"}


def _create(client: TestClient, headers: dict | None = None, **body: object) -> dict:
    payload = {"name": "policy.pdf", "size": 1234, "type": PDF, **body}
    response = client.post("/api/files", json=payload, headers=headers or _headers())
    assert response.status_code == 201, response.text
    return response.json()


def _count(db, table: str) -> int:
    return db.fetch_one(f"SELECT count(*) AS n FROM {table}")["n"]


def test_creating_an_upload_returns_a_pending_file_and_a_presigned_post(client, db) -> None:
    created = _create(client, name="2026 보고서.pdf")
    file = created["file"]
    assert (file["status"], file["progress"], file["name"], file["size"]) == (
        "pending",
        0,
        "2026 보고서.pdf",
        1234,
    )
    upload = created["upload"]
    assert upload["method"] == "POST" and upload["max_bytes"] == 1234
    assert upload["fields"]["key"] == f"uploads/E1001/{file['id']}/2026_보고서.pdf"
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    assert ["content-length-range", 1234, 1234] in policy["conditions"]
    assert _count(db, "uploaded_files") == 1


def test_the_presigned_post_stores_the_object_and_ingest_completes_the_file(client, db) -> None:
    data = policy_pdf()
    created = _create(client, size=len(data))
    upload = created["upload"]
    # moto serves requests' calls to S3; its notification runs the ingest function in-process.
    response = requests.post(
        upload["url"], data=upload["fields"], files={"file": ("policy.pdf", data)}, timeout=120
    )
    assert response.status_code == 204, response.text
    status = client.get(f"/api/files/{created['file']['id']}", headers=_headers()).json()
    assert (status["status"], status["progress"], status["pages"]) == ("completed", 100, 3)
    assert status["chunks"] > 0 and status["type"] == "pdf"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"type": "application/x-msdownload"}, 415, "unsupported_type"),
        ({"size": 0}, 400, "bad_request"),
        ({"size": 51 * 1024 * 1024}, 413, "payload_too_large"),
        ({"name": "../../etc/passwd"}, 400, "bad_request"),
        ({"name": "folder\\evil.pdf"}, 400, "bad_request"),
        ({"name": ""}, 422, "invalid_request"),
    ],
)
def test_bad_uploads_are_refused_before_any_byte_is_sent_and_nothing_is_stored(
    client, db, body, status, code
) -> None:
    response = client.post(
        "/api/files", json={"name": "a.pdf", "size": 10, "type": PDF, **body}, headers=_headers()
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert _count(db, "uploaded_files") == 0


def test_an_upload_past_the_users_quota_is_refused(client, db, monkeypatch) -> None:
    from portal import services

    monkeypatch.setenv("PORTAL_USER_QUOTA_BYTES", "3000")
    services.reset(keep_db=True)
    _create(client, size=2000)
    response = client.post(
        "/api/files", json={"name": "b.pdf", "size": 1001, "type": PDF}, headers=_headers()
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "quota_exceeded"
    assert response.json()["error"]["quota"] == 3000
    assert _count(db, "uploaded_files") == 1


def test_an_inaccessible_workspace_is_404_and_a_read_only_one_is_403(client, db) -> None:
    client.get("/api/me", headers=_headers("E2002", "김철수"))
    private, public = str(uuid.uuid4()), str(uuid.uuid4())
    for workspace_id, visibility in ((private, "private"), (public, "public")):
        db.execute(
            "INSERT INTO workspaces (id, owner_empno, title, visibility) VALUES (:id::uuid, 'E2002', 'w', :v)",
            {"id": workspace_id, "v": visibility},
        )
    response = client.post(
        "/api/files",
        json={"name": "a.pdf", "size": 10, "type": PDF, "workspace_id": private},
        headers=_headers(),
    )
    assert response.status_code == 404
    response = client.post(
        "/api/files",
        json={"name": "a.pdf", "size": 10, "type": PDF, "workspace_id": public},
        headers=_headers(),
    )
    assert response.status_code == 403
    assert _count(db, "uploaded_files") == 0


def test_workspace_files_are_listed_and_readable_by_collaborators_only(client, db) -> None:
    client.get("/api/me", headers=_headers())
    client.get("/api/me", headers=_headers("E2002", "김철수"))
    client.get("/api/me", headers=_headers("E3003", "이영희"))
    workspace = str(uuid.uuid4())
    db.execute(
        """INSERT INTO workspaces (id, owner_empno, title, collaborators)
           VALUES (:id::uuid, 'E1001', 'w', '[{"empno": "E2002", "role": "viewer"}]'::jsonb)""",
        {"id": workspace},
    )
    created = _create(client, workspace_id=workspace)
    member = client.get(f"/api/files?workspace_id={workspace}", headers=_headers("E2002", "김철수")).json()[
        "items"
    ]
    assert [f["id"] for f in member] == [created["file"]["id"]]
    outsider = client.get(f"/api/files/{created['file']['id']}", headers=_headers("E3003", "이영희"))
    assert outsider.status_code == 404
    assert (
        client.get(f"/api/files?workspace_id={workspace}", headers=_headers("E3003", "이영희")).status_code
        == 404
    )


def test_listing_shows_only_the_users_own_files_newest_first(client) -> None:
    first = _create(client, name="one.pdf")
    second = _create(client, name="two.pdf")
    _create(client, _headers("E2002", "김철수"), name="theirs.pdf")
    items = client.get("/api/files", headers=_headers()).json()["items"]
    assert [f["id"] for f in items] == [second["file"]["id"], first["file"]["id"]]
    pending = client.get("/api/files?status=completed", headers=_headers()).json()["items"]
    assert pending == []


def test_another_users_file_is_404_and_a_malformed_id_too(client) -> None:
    created = _create(client)
    assert (
        client.get(f"/api/files/{created['file']['id']}", headers=_headers("E2002", "김철수")).status_code
        == 404
    )
    assert client.get("/api/files/not-a-uuid", headers=_headers()).status_code == 404
    assert (
        client.delete(f"/api/files/{created['file']['id']}", headers=_headers("E2002", "김철수")).status_code
        == 404
    )


def test_deleting_removes_the_object_the_chunks_and_the_row(client, db) -> None:
    data = policy_pdf()
    created = _create(client, size=len(data))
    upload = created["upload"]
    requests.post(upload["url"], data=upload["fields"], files={"file": ("policy.pdf", data)}, timeout=120)
    file_id = created["file"]["id"]
    assert _count(db, "file_chunks") > 0
    assert client.delete(f"/api/files/{file_id}", headers=_headers()).status_code == 204
    assert _count(db, "file_chunks") == 0 and _count(db, "uploaded_files") == 0
    objects = aws.client("s3").list_objects_v2(Bucket=BUCKET).get("Contents", [])
    assert objects == []
    assert client.get(f"/api/files/{file_id}", headers=_headers()).status_code == 404


def test_the_api_requires_a_token(client) -> None:
    assert client.get("/api/files").status_code == 401
    assert client.post("/api/files", json={"name": "a.pdf", "size": 1, "type": PDF}).status_code == 401


def test_a_file_that_stopped_processing_fails_with_a_reason_when_its_owner_looks(client, db) -> None:
    # Given a file stuck in processing (its last ingest attempt died) and one never uploaded
    stuck = _create(client)["file"]["id"]
    never = _create(client, name="never.pdf")["file"]["id"]
    other = _create(client, _headers("E2002", "김철수"))["file"]["id"]
    # (the updated_at trigger would stamp now(); this test database is ours to bend)
    db.execute("ALTER TABLE uploaded_files DISABLE TRIGGER update_uploaded_files_updated_at")
    db.execute(
        "UPDATE uploaded_files SET processing_status = 'processing', updated_at = now() - interval '2 hours'"
        " WHERE id = :id::uuid",
        {"id": stuck},
    )
    db.execute(
        "UPDATE uploaded_files SET created_at = now() - interval '2 hours' WHERE id = :id::uuid",
        {"id": never},
    )
    db.execute(
        "UPDATE uploaded_files SET created_at = now() - interval '2 hours' WHERE id = :id::uuid",
        {"id": other},
    )
    # When the owner reads one of them
    body = client.get(f"/api/files/{stuck}", headers=_headers()).json()
    # Then both of the owner's stalled files failed with a reason; another user's is untouched
    assert body["status"] == "failed" and "no progress" in body["reason"]
    assert (
        client.get(f"/api/files/{never}", headers=_headers())
        .json()["reason"]
        .startswith("The upload did not arrive")
    )
    status = db.fetch_one("SELECT processing_status FROM uploaded_files WHERE id = :id::uuid", {"id": other})
    assert status["processing_status"] == "pending"


def test_a_file_making_progress_is_not_failed(client, db) -> None:
    moving = _create(client)["file"]["id"]
    db.execute(
        "UPDATE uploaded_files SET processing_status = 'processing' WHERE id = :id::uuid", {"id": moving}
    )
    assert client.get(f"/api/files/{moving}", headers=_headers()).json()["status"] == "processing"
