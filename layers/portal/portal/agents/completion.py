"""How a turn ends, written once: every path that ends a turn (a worker, research's start and
Synthesize, the failure handler, the overdue repair, deleting a conversation) comes here.

Two rules the platform imposes live in this module only:

- **At least once.** Express workflows, Lambda retries and EventBridge deliver a turn's end
  more than once. ``ended_answer`` is the one idempotency guard: a turn whose answer is stored
  as completed or failed is not answered again, only announced again (the run that stored it
  may have died before telling the sockets). The stream's header is the second guard: a turn
  gets one closing event (``TurnStream.finish`` is conditional), whoever sends it.
- **A stop is final.** The user's stop stores a ``stopped`` answer of what was streamed, under
  an id derived from the turn, then closes the stream's header (exactly one of stop, worker and
  failure handler sends the closing event: ``finish`` is conditional). The stop request, the
  interrupted worker and the failure handler may each store it, and all write the same row. Stored
  answers that ended are never written over (``messages.save_assistant_message``).
- **A turn always ends.** ``fail_turn`` tells the sockets first, from what is in hand (the
  turn id; the chunks already sent are in DynamoDB), and records afterwards: a database
  that is down or a conversation that was deleted cannot keep the user waiting. What could
  not be recorded stays open (``portal.agents.open_turns``) and is recorded by the overdue
  sweep or the next look at the turn (``portal.agents.overdue``) once the database answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from portal import aws, services
from portal.agents import open_turns
from portal.agents.turn import TurnInput
from portal.agents.turn_stream import open_stream
from portal.db.executor import Executor
from portal.db.repositories import conversations, messages
from portal.db.repositories.conversations import Conversation
from portal.db.repositories.messages import Message
from portal.errors import DatabaseUnavailable
from portal.observability import MetricName, logger, metrics
from portal.realtime.stream import TurnStream
from portal.settings import get_settings

USER_MESSAGE_KO = "죄송합니다. 답변을 만드는 중 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."
DELETED_MESSAGE_KO = "대화가 삭제되어 답변 생성을 중단했습니다."


class TurnGone(Exception):
    """The turn's conversation was deleted while it ran: there is nothing left to store into."""


@dataclass(frozen=True)
class FinalAnswer:
    """What ends a turn well: the assistant message's content and accounting."""

    content: str
    agent: str | None
    model: str | None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    processing_time: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def closing_event(answer: Message) -> dict[str, Any]:
    """The `done` or `error` event that announces a stored answer."""
    if answer.status == "failed":
        return {"type": "error", "code": "turn_failed", "message": answer.content, "message_id": answer.id}
    done = {"type": "done", "message_id": answer.id, "agent": answer.agent_type, "model": answer.model_used}
    # A stopped turn closes with `done` too (clients that know no "stopped" still end the turn).
    return {**done, "status": "stopped"} if answer.status == "stopped" else done


def ended_answer(db: Executor, stream: TurnStream) -> Message | None:
    """The idempotency guard: the turn's stored final answer (announced again), or None to go on.

    A stopped turn is ended too: a retried execution of it announces the stop, never answers.
    """
    stored = messages.get_turn_message(db, turn_id=stream.turn_id, role="assistant")
    if stored is None or stored.status not in messages.ENDED:
        return None
    if stream.finish(closing_event(stored)):
        logger.info("turn already ended; announced its stored answer", extra={"status": stored.status})
    open_turns.settle(stream.turn_id)
    return stored


def complete_turn(db: Executor, stream: TurnStream, turn: TurnInput, answer: FinalAnswer) -> Message:
    """End the turn with its answer: guard, store, touch the conversation, send `done`."""
    if (stored := ended_answer(db, stream)) is not None:
        return stored
    saved = _store(db, turn, answer, status="completed")
    if saved.status != "completed":
        # Stopped by the user after the worker's last look: the stop's answer stands (and is
        # announced here if the stop itself could not announce it: a no-op otherwise).
        stream.finish(closing_event(saved))
        open_turns.settle(turn.turn_id)
        return saved
    conversations.touch(db, conversation_id=turn.conversation_id)
    stream.finish({"type": "done", "message_id": saved.id, "agent": answer.agent, "model": answer.model})
    open_turns.settle(turn.turn_id)
    return saved


def stopped_answer_id(turn_id: str) -> str:
    """The id of a turn's stopped answer (the same for every writer of it)."""
    return str(uuid.uuid5(uuid.UUID(turn_id), "stopped-answer"))


def stopped_event(answer_id: str, *, agent: str | None = None, model: str | None = None) -> dict[str, Any]:
    return {"type": "done", "status": "stopped", "message_id": answer_id, "agent": agent, "model": model}


def was_stopped(stream: TurnStream) -> bool:
    """Whether the turn's closing event was the user's stop."""
    from portal.realtime.stream import finished_event

    if stream.chunk_table is None:
        return False
    closing = finished_event(stream.chunk_table, stream.turn_id) or {}
    return closing.get("type") == "done" and closing.get("status") == "stopped"


def store_stopped(db: Executor, stream: TurnStream, turn: TurnInput, *, agent: str | None = None) -> Message:
    """Store the stopped answer: the text the user was sent before the stop (idempotent).

    The chunks come from the STREAM table, where every chunk the sockets got is kept; a
    chunk still being posted when the stop landed may be missing (at most one batch).
    """
    from portal.realtime.stream import stored_chunks

    table = stream.chunk_table
    text = "".join(str(c["text"]) for c in stored_chunks(table, turn.turn_id, after_seq=0)) if table else ""
    existing = messages.get_turn_message(db, turn_id=turn.turn_id, role="assistant")
    saved = _store(
        db,
        turn,
        FinalAnswer(content=text, agent=agent, model=None, metadata={"stopped": True}),
        status="stopped",
        message_id=existing.id if existing is not None else stopped_answer_id(turn.turn_id),
    )
    open_turns.settle(turn.turn_id)
    return saved


def store_placeholder(db: Executor, turn: TurnInput, answer: FinalAnswer) -> Message:
    """Store a "streaming" answer that a later step (research's Synthesize) completes."""
    return _store(db, turn, answer, status="streaming")


FailStatus = Literal["failed", "already_completed", "already_stopped", "notified", "conversation_deleted"]


@dataclass(frozen=True)
class FailOutcome:
    status: FailStatus
    message_id: str | None = None
    reason: str = ""

    def as_result(self) -> dict[str, Any]:
        return {"status": self.status, "message_id": self.message_id, "reason": self.reason}


def fail_turn(
    turn: TurnInput,
    *,
    reason: str,
    route: dict[str, Any] | None = None,
    code: str = "turn_failed",
    message: str = USER_MESSAGE_KO,
    stream: TurnStream | None = None,
) -> FailOutcome:
    """End the turn as failed: tell its sockets first, then record (the repair records what fails here).

    Raises DatabaseUnavailable after telling the sockets when the failure could not be stored,
    so the caller's retry (Step Functions, EventBridge) stores it once the database is back.
    """

    stream = stream or open_stream(turn)
    db = services.db()
    try:
        stored = messages.get_turn_message(db, turn_id=turn.turn_id, role="assistant")
    except DatabaseUnavailable:
        stored = None  # unknown: the stream's header still guarantees one closing event
    if stored is not None and stored.status in ("completed", "stopped"):
        stream.finish(closing_event(stored))  # a no-op unless the run that stored it died first
        open_turns.settle(turn.turn_id)
        return FailOutcome(
            "already_stopped" if stored.status == "stopped" else "already_completed", stored.id, reason
        )
    # The id the failed answer will have, known before it is stored: the stored row's (a research
    # placeholder), or one derived from the turn, so every attempt to record it agrees.
    message_id = stored.id if stored is not None else failed_answer_id(turn.turn_id)
    told = stream.finish({"type": "error", "code": code, "message": message, "message_id": message_id})
    if not told and was_stopped(stream):
        # The user stopped the turn before it failed: the stop stands (stored here if its
        # request did not get that far).
        saved = store_stopped(db, stream, turn, agent=(route or {}).get("agent"))
        return FailOutcome("already_stopped", saved.id, reason)
    if told:
        metrics.add_metric(name=MetricName.TURN_FAILED, unit="Count", value=1)
    logger.error("turn failed", extra={"reason": reason, "told_sockets": told})
    metadata = {"error": reason, **({"route": route} if route else {})}
    try:
        saved = _store(
            db,
            turn,
            FinalAnswer(content=message, agent=(route or {}).get("agent"), model=None, metadata=metadata),
            status="failed",
            message_id=message_id,
        )
    except TurnGone:
        logger.info("turn's conversation was deleted; nothing to record")
        open_turns.settle(turn.turn_id)
        return FailOutcome("conversation_deleted", None, reason)
    except DatabaseUnavailable:
        # Still open: the sweep (or the next look at the turn) records it once the database answers.
        logger.warning("failed turn not recorded: database unavailable")
        raise
    open_turns.settle(turn.turn_id)
    return FailOutcome("failed", saved.id, reason)


def stop_conversation_turns(db: Executor, conversation: Conversation) -> int:
    """Before a conversation is deleted: end its running turns (sockets told, research stopped).

    A chat turn's Express execution cannot be stopped (StopExecution is Standard-only); its
    worker stops at its next flush (the stream is closed: ``TurnClosed``) and its failure
    handler finds the conversation gone. Returns how many turns were stopped.
    """

    stopped = 0
    for question in messages.running_turns(db, conversation_id=conversation.id):
        assert question.turn_id is not None
        turn = TurnInput(
            turn_id=question.turn_id,
            conversation_id=conversation.id,
            message_id=question.id,
            empno=conversation.user_empno,
            workspace_id=conversation.workspace_id,
        )
        _stop_research(turn.turn_id)
        if open_stream(turn).finish(
            {"type": "error", "code": "conversation_deleted", "message": DELETED_MESSAGE_KO}
        ):
            stopped += 1
        open_turns.settle(turn.turn_id)
    if stopped:
        logger.info("running turns stopped before deleting their conversation", extra={"turns": stopped})
    return stopped


def _stop_research(turn_id: str) -> None:
    """Stop the turn's research (Standard) execution, if the turn started one."""
    from botocore.exceptions import ClientError

    machine = get_settings().research_state_machine_arn
    if not machine:
        return
    arn = f"{machine.replace(':stateMachine:', ':execution:')}:{turn_id}"  # named by the turn id
    try:
        aws.client("stepfunctions").stop_execution(
            executionArn=arn, error="TurnStopped", cause="conversation deleted"
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("ExecutionDoesNotExist", "ValidationException"):
            raise


def failed_answer_id(turn_id: str) -> str:
    """The id of a turn's failed answer when none was stored before (the same on every attempt)."""
    return str(uuid.uuid5(uuid.UUID(turn_id), "failed-answer"))


def _store(
    db: Executor,
    turn: TurnInput,
    answer: FinalAnswer,
    *,
    status: messages.Status,
    message_id: str | None = None,
) -> Message:
    try:
        return messages.save_assistant_message(
            db,
            conversation_id=turn.conversation_id,
            turn_id=turn.turn_id,
            content=answer.content,
            status=status,
            agent_type=answer.agent,
            model_used=answer.model,
            input_tokens=answer.input_tokens,
            output_tokens=answer.output_tokens,
            cost_usd=answer.cost_usd,
            processing_time=answer.processing_time,
            metadata=answer.metadata,
            message_id=message_id,
        )
    except DatabaseUnavailable:
        raise
    except Exception:
        # Deleted mid-turn shows up as a foreign-key violation (psycopg) or a BadRequestException
        # (Data API); asking whether the conversation is still there tells them apart portably.
        if conversations.get(db, conversation_id=turn.conversation_id) is None:
            raise TurnGone(turn.conversation_id) from None
        raise
