"""The `resume` action: a (re)connected socket catches up on a turn, then follows it live.

A turn may be resumed by its author, and by readers of the workspace its conversation is
in (they watch it stream there anyway). Anyone else gets the same "not found" as for a
turn that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from portal import aws, services
from portal.agents import overdue
from portal.db.executor import Executor
from portal.db.repositories import conversations, messages, users, workspaces
from portal.db.repositories.messages import Message
from portal.errors import BadRequest, NotFound, PortalError
from portal.realtime import stream
from portal.realtime.connections import Connection
from portal.settings import get_settings


class TurnExpired(PortalError):
    status_code = 410
    code = "turn_expired"


def parse(frame: dict[str, Any]) -> tuple[str, int]:
    """(turn_id, after_seq) from a resume frame; BadRequest/NotFound for bad values."""
    turn_id, after_seq = frame.get("turn_id"), frame.get("after_seq", 0)
    if not isinstance(turn_id, str) or not turn_id:
        raise BadRequest('resume needs "turn_id"')
    try:
        turn_id = str(uuid.UUID(turn_id))
    except ValueError:
        # Echoed back safely: a lone surrogate (valid JSON, not UTF-8) would make the reply unsendable.
        echoed = turn_id[:64].encode("utf-8", "replace").decode("utf-8")
        raise NotFound("Turn not found", turn_id=echoed) from None
    if isinstance(after_seq, bool) or not isinstance(after_seq, int) or after_seq < 0:
        raise BadRequest('"after_seq" must be a whole number >= 0 (the last seq this client received)')
    return turn_id, after_seq


def _readable_question(db: Executor, *, turn_id: str, empno: str) -> Message:
    """The turn's user message if this user may follow the turn."""
    question = messages.get_turn_message(db, turn_id=turn_id, role="user")
    conversation = conversations.get(db, conversation_id=question.conversation_id) if question else None
    if question is None or conversation is None:
        raise NotFound("Turn not found", turn_id=turn_id)
    if conversation.user_empno == empno:
        return question
    if conversation.workspace_id:
        user = users.get(db, empno=empno)
        if workspaces.accessible_workspace_id(
            db,
            workspace_id=conversation.workspace_id,
            empno=empno,
            company_code=user.company_code if user else None,
        ):
            return question
    raise NotFound("Turn not found", turn_id=turn_id)


def _closing_from_message(answer: Message, turn_id: str, last_seq: int) -> dict[str, Any]:
    """The closing event rebuilt from the stored answer (when the stream's header has expired)."""
    if answer.status == "failed":
        return {
            "type": "error",
            "code": "turn_failed",
            "message": answer.content,
            "message_id": answer.id,
            "turn_id": turn_id,
            "last_seq": last_seq,
        }
    return {
        "type": "done",
        "message_id": answer.id,
        "agent": answer.agent_type,
        "model": answer.model_used,
        **({"status": "stopped"} if answer.status == "stopped" else {}),
        "turn_id": turn_id,
        "last_seq": last_seq,
    }


def resume(db: Executor, connection: Connection, frame: dict[str, Any]) -> str:
    """Serve a resume frame: "replayed" (finished turn, sent now) or "subscribed" (live turn)."""
    turn_id, after_seq = parse(frame)
    question = _readable_question(db, turn_id=turn_id, empno=connection.user_empno)
    settings = get_settings()
    table = aws.dynamodb_table(settings.stream_table)
    answer = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
    if overdue.repair_if_overdue(db, question, answer):
        answer = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
    finished = answer is not None and answer.status in messages.ENDED
    if not finished:
        if question.created_at < datetime.now(UTC) - timedelta(seconds=settings.stream_chunk_ttl_seconds):
            # Older than any live stream can be and never answered: nobody will ever serve it.
            raise TurnExpired("This turn is no longer streaming and has no answer", turn_id=turn_id)
        if stream.subscribe(
            table,
            turn_id=turn_id,
            connection_id=connection.connection_id,
            after_seq=after_seq,
            ttl_seconds=settings.stream_chunk_ttl_seconds,
        ):
            return "subscribed"
        answer = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
    closing = stream.finished_event(table, turn_id)
    if closing is None:
        if answer is None:
            raise TurnExpired("This turn finished without an answer", turn_id=turn_id)
        closing = _closing_from_message(answer, turn_id, stream.last_stored_seq(table, turn_id))
    stream.replay(
        services.sender(),
        table,
        turn_id=turn_id,
        connection_id=connection.connection_id,
        after_seq=after_seq,
        closing=closing,
    )
    return "replayed"
