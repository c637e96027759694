"""The multimodal_rag worker over real PostgreSQL, moto and the local embedding model.

Files are ingested through moto's S3 notification (the real pipeline); models are scripted.
"""

from __future__ import annotations

import uuid

import pytest
from portal import aws
from portal.agents.runner import run_worker
from portal.agents.turn import TurnInput, TurnOptions
from portal.agents.workers.multimodal_rag import answer
from portal.db.repositories import conversations, files, messages, users
from portal.db.repositories.files import UploadedFile
from portal.llm.base import ProviderUnavailable
from portal.rag import uploads

from tests.scripted import ScriptedModel
from tests.unit.rag_samples import DOCX, PDF, leave_docx, policy_pdf

pytestmark = pytest.mark.integration


@pytest.fixture
def owner(db, aws):
    return users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동", company=None, company_code=None, roles=[]
    )


def ingest(db, user, data: bytes, name: str, mime: str) -> UploadedFile:
    upload = uploads.request_upload(db, user=user, name=name, size=len(data), mime_type=mime)
    aws.client("s3").put_object(
        Bucket="portal-uploads", Key=upload.file.storage_path, Body=data, ContentType=mime
    )
    done = files.get(db, file_id=upload.file.id)
    assert done is not None and done.processing_status == "completed"
    return done


def new_turn(db, content: str, *, empno: str = "E1001", attachments: list[str] | None = None) -> dict:
    conversation = conversations.create(db, user_empno=empno, title=None)
    turn_id = str(uuid.uuid4())
    message = messages.add_user_message(
        db, conversation_id=conversation.id, turn_id=turn_id, content=content, metadata={}
    )
    turn = TurnInput(
        turn_id=turn_id,
        conversation_id=conversation.id,
        message_id=message.id,
        empno=empno,
        options=TurnOptions(attachments=attachments or []),
    )
    route = {"agent": "multimodal_rag", "confidence": 1.0, "reason": "explicit", "decided_by": "explicit"}
    return {**turn.model_dump(), "route": route}


def stored(db, event: dict):
    return messages.get_turn_message(db, turn_id=event["turn_id"], role="assistant")


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch):
    from portal.llm import service

    def install(*replies: object) -> ScriptedModel:
        claude = ScriptedModel(list(replies), name="anthropic")
        monkeypatch.setattr(
            service, "providers", lambda: {"anthropic": claude, "offline": ScriptedModel([], name="offline")}
        )
        return claude

    return install


def test_the_answer_cites_file_and_page_of_the_excerpts_it_used(db, owner, models) -> None:
    policy = ingest(db, owner, policy_pdf(), "travel.pdf", PDF)
    claude = models("환불은 언제 지급되나요?", "Refunds are paid within 14 days [1].")  # rewrite, answer
    event = new_turn(db, "When are refunds paid?")
    run_worker(event, answer)
    message = stored(db, event)
    assert message.status == "completed" and message.agent_type == "multimodal_rag"
    assert message.metadata["citations"] == [
        {
            "file_id": policy.id,
            "name": "travel.pdf",
            "page": 2,
            "ref": 1,
            "owner": "E1001",
            "owner_name": "홍길동",
            "workspace_id": None,
            "workspace": None,
        }
    ]
    assert message.content.startswith("Refunds are paid within 14 days [1].")
    assert "[1] travel.pdf, p. 2" in message.content
    prompt = claude.requests[1].system
    assert "[1] travel.pdf, page 2" in prompt and "Refunds are paid within 14 days" in prompt


def test_a_korean_question_finds_the_english_page_through_the_rewrite_and_pays_for_it(
    db, owner, models
) -> None:
    policy = ingest(db, owner, policy_pdf(), "travel.pdf", PDF)
    claude = models("When are refunds paid?", "환불은 14일 안에 지급됩니다 [1].")
    event = new_turn(db, "환불은 언제 받을 수 있어?")
    run_worker(event, answer)
    message = stored(db, event)
    assert "Korean" not in claude.requests[0].system and "English" in claude.requests[0].system
    assert claude.requests[0].messages[0].content == "환불은 언제 받을 수 있어?"
    assert message.metadata["retrieval"]["cross_lingual"] == {
        "status": "rewritten",
        "language": "en",
        "query": "When are refunds paid?",
    }
    assert message.metadata["citations"][0] == {
        "file_id": policy.id,
        "name": "travel.pdf",
        "page": 2,
        "ref": 1,
        "owner": "E1001",
        "owner_name": "홍길동",
        "workspace_id": None,
        "workspace": None,
    }
    calls = message.metadata["calls"]
    assert [c["purpose"] for c in calls] == ["query_rewrite", "answer"]
    assert message.cost_usd == pytest.approx(sum(float(c["cost_usd"]) for c in calls), abs=1e-6)
    assert calls[0]["cost_usd"] > 0


def test_offline_the_answer_quotes_the_best_passages_with_their_citations_and_says_so(db, owner) -> None:
    leave = ingest(db, owner, leave_docx(), "연차.docx", DOCX)
    event = new_turn(db, "배우자 출산휴가는 며칠인가요?")
    run_worker(event, answer)
    message = stored(db, event)
    assert message.content.startswith("[오프라인 모드]")
    assert "10일의 출산휴가" in message.content and "연차.docx, 2쪽" in message.content
    assert message.metadata["citations"][0] == {
        "file_id": leave.id,
        "name": "연차.docx",
        "page": 2,
        "ref": 1,
        "owner": "E1001",
        "owner_name": "홍길동",
        "workspace_id": None,
        "workspace": None,
    }
    assert message.model_used is None
    assert message.metadata["retrieval"]["cross_lingual"]["status"] == "unavailable"
    assert "no language model" in message.metadata["retrieval"]["cross_lingual"]["reason"]


def test_attachments_restrict_the_search_to_those_files(db, owner, models) -> None:
    ingest(db, owner, policy_pdf(), "travel.pdf", PDF)
    leave = ingest(db, owner, leave_docx(), "연차.docx", DOCX)
    models("환불은 언제 지급되나요?", "답변 [1]")
    event = new_turn(db, "When are refunds paid?", attachments=[leave.id, "notes.txt"])
    run_worker(event, answer)
    message = stored(db, event)
    assert {c["file_id"] for c in message.metadata["citations"]} == {leave.id}
    assert message.metadata["retrieval"]["scope"] == "attachments"


def test_other_users_files_are_never_retrieved(db, owner) -> None:
    ingest(db, owner, policy_pdf(), "travel.pdf", PDF)
    users.upsert_from_claims(db, empno="E2002", name_ko="김철수", company=None, company_code=None, roles=[])
    event = new_turn(db, "When are refunds paid?", empno="E2002")
    run_worker(event, answer)
    message = stored(db, event)
    assert message.metadata["citations"] == []
    assert "Nothing in your uploaded files matches" in message.content


def test_an_attached_file_still_processing_is_named_in_the_answer(db, owner) -> None:
    pending = uploads.request_upload(db, user=owner, name="big.pdf", size=100, mime_type=PDF).file
    event = new_turn(db, "이 파일 요약해줘", attachments=[pending.id])
    run_worker(event, answer)
    message = stored(db, event)
    assert "‘big.pdf’(업로드 대기)" in message.content
    assert message.metadata["retrieval"]["not_ready"] == [{"file_id": pending.id, "status": "pending"}]


def test_when_every_model_fails_before_writing_the_passages_are_given_instead(db, owner, models) -> None:
    ingest(db, owner, policy_pdf(), "travel.pdf", PDF)
    models(*[ProviderUnavailable("down")] * 10)
    event = new_turn(db, "When are refunds paid?")
    run_worker(event, answer)
    message = stored(db, event)
    assert message.content.startswith("[Excerpts only]") and message.metadata["citations"]
