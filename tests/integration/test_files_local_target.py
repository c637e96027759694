"""Through the local target: upload a PDF with its presigned POST, watch its progress on the socket,
and get an answer that cites the right page."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from websockets.sync.client import connect

from tests.conftest import make_token
from tests.unit.rag_samples import PDF, policy_pdf

pytestmark = pytest.mark.integration


def _file_events(ws, file_id: str, timeout: float = 60.0) -> list[dict]:
    events: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if event.get("type") == "file.status" and event.get("file_id") == file_id:
            events.append(event)
            if event["status"] in ("completed", "failed"):
                return events
    raise AssertionError(f"no final file.status for {file_id}: {events}")


def test_a_user_uploads_a_pdf_sees_its_progress_and_gets_an_answer_citing_the_right_page(target) -> None:
    from portal import services
    from portal.agents.runner import run_worker
    from portal.agents.turn import TurnInput
    from portal.agents.workers.multimodal_rag import answer
    from portal.db.repositories import messages

    data = policy_pdf()
    token = make_token()
    with (
        connect(f"{target.ws_url}?token={token}") as ws,
        httpx.Client(
            base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ) as http,
    ):
        created = http.post(
            "/api/files", json={"name": "출장규정.pdf", "size": len(data), "type": PDF}
        ).json()
        upload, file_id = created["upload"], created["file"]["id"]
        assert upload["url"] == f"{target.base_url}/local/s3/portal-uploads"
        stored = httpx.post(
            upload["url"], data=upload["fields"], files={"file": ("출장규정.pdf", data, PDF)}, timeout=120
        )
        assert stored.status_code == 204, stored.text

        events = _file_events(ws, file_id)
        assert events[0]["status"] == "processing"
        progress = [e["progress"] for e in events]
        assert progress == sorted(progress) and len(progress) >= 3
        assert events[-1] == {
            "type": "file.status",
            "file_id": file_id,
            "status": "completed",
            "progress": 100,
        }
        status = http.get(f"/api/files/{file_id}").json()
        assert (status["status"], status["pages"]) == ("completed", 3)

        conversation = http.post("/api/conversations", json={}).json()
    db = services.db()
    turn_id = str(uuid.uuid4())
    question = messages.add_user_message(
        db, conversation_id=conversation["id"], turn_id=turn_id, content="When are refunds paid?", metadata={}
    )
    turn = TurnInput(
        turn_id=turn_id, conversation_id=conversation["id"], message_id=question.id, empno="E1001"
    )
    route = {"agent": "multimodal_rag", "confidence": 1.0, "reason": "explicit", "decided_by": "explicit"}
    run_worker({**turn.model_dump(), "route": route}, answer)
    reply = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
    assert reply is not None
    assert reply.metadata["citations"][0] == {
        "file_id": file_id,
        "name": "출장규정.pdf",
        "page": 2,
        "ref": 1,
        "owner": "E1001",
        "owner_name": "홍길동",
        "workspace_id": None,
        "workspace": None,
    }
    assert "Refunds are paid within 14 days" in reply.content


def test_the_local_s3_refuses_a_body_larger_than_declared_and_nothing_is_processed(target) -> None:
    token = make_token()
    with httpx.Client(
        base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        created = http.post("/api/files", json={"name": "small.pdf", "size": 100, "type": PDF}).json()
        upload = created["upload"]
        refused = httpx.post(
            upload["url"], data=upload["fields"], files={"file": ("small.pdf", policy_pdf(), PDF)}
        )
        assert refused.status_code == 400 and "<Code>EntityTooLarge</Code>" in refused.text
        status = http.get(f"/api/files/{created['file']['id']}").json()
        assert (status["status"], status["progress"]) == ("pending", 0)
