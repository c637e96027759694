"""Feedback per answer: thumbs and a comment, one per user and message; administrators review it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _answered(client: TestClient, auth: dict) -> dict:
    conversation = client.post("/api/conversations", json={}, headers=auth).json()
    response = client.post(
        f"/api/conversations/{conversation['id']}/messages?wait=true",
        json={"content": "안녕하세요"},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_feedback_is_stored_once_per_user_and_listed_for_admins(client: TestClient, auth: dict, db) -> None:
    answer = _answered(client, auth)
    url = f"/api/messages/{answer['id']}/feedback"

    first = client.post(url, json={"rating": "down"}, headers=auth)
    second = client.post(url, json={"rating": "down", "comment": "  출처가 없습니다  "}, headers=auth)
    assert first.status_code == second.status_code == 200
    assert second.json() == {"message_id": answer["id"], "rating": "down", "comment": "출처가 없습니다"}
    assert db.fetch_one("SELECT count(*) AS n FROM message_feedback")["n"] == 1

    # The reader sees their own feedback with the message
    listed = client.get(f"/api/conversations/{answer['conversation_id']}/messages", headers=auth).json()[
        "items"
    ]
    assert listed[1]["my_feedback"] == {"rating": "down", "comment": "출처가 없습니다"}

    admin = {"Authorization": f"Bearer {make_token('A0001', '관리자', admin=True)}"}
    review = client.get("/api/admin/feedback?rating=down", headers=admin)
    assert review.status_code == 200, review.text
    [item] = review.json()["items"]
    assert item["question"] == "안녕하세요" and item["answer"] == answer["content"]
    assert item["rating"] == -1 and item["comment"] == "출처가 없습니다" and item["user_name"] == "홍길동"
    assert client.get("/api/admin/feedback?rating=up", headers=admin).json()["items"] == []
    assert client.get("/api/admin/feedback", headers=auth).status_code == 403


def test_bad_feedback_is_refused_and_changes_nothing(client: TestClient, auth: dict, db) -> None:
    answer = _answered(client, auth)
    question_id = client.get(f"/api/conversations/{answer['conversation_id']}/messages", headers=auth).json()[
        "items"
    ][0]["id"]
    other = {"Authorization": f"Bearer {make_token('E2002', '김영희')}"}
    cases = [
        (f"/api/messages/{answer['id']}/feedback", {"rating": "meh"}, auth, 422),
        (f"/api/messages/{answer['id']}/feedback", {"rating": "up", "comment": "가" * 2001}, auth, 422),
        (f"/api/messages/{question_id}/feedback", {"rating": "up"}, auth, 400),
        (f"/api/messages/{answer['id']}/feedback", {"rating": "up"}, other, 404),
        ("/api/messages/not-a-uuid/feedback", {"rating": "up"}, auth, 404),
    ]
    for url, body, headers, status in cases:
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == status, (url, body, response.text)
        assert "error" in response.json()
    assert db.fetch_one("SELECT count(*) AS n FROM message_feedback")["n"] == 0
