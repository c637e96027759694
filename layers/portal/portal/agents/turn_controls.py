"""Turn controls: stop a running turn, regenerate an answer, edit a question and resend.

Regenerate and edit never change what was said: each starts a new turn beside the earlier one
(same previous turn), and that new branch is shown; the earlier branch stays stored and can be
shown again (``show_branch``). Stop ends a running turn for good (portal.agents.completion).
"""

from __future__ import annotations

import uuid
from typing import Any

from portal.agents import turns
from portal.agents.completion import stopped_event, store_stopped
from portal.agents.turn import TurnInput, TurnOptions
from portal.db.executor import Executor
from portal.db.repositories import messages
from portal.db.repositories.conversations import Conversation
from portal.db.repositories.messages import Message
from portal.db.repositories.users import User
from portal.errors import BadRequest, Conflict, NotFound
from portal.observability import logger


class TurnAlreadyEnded(Conflict):
    code = "turn_already_ended"


def _question(db: Executor, conversation: Conversation, turn_id: str) -> Message:
    question = messages.get_turn_message(db, turn_id=turn_id, role="user")
    if question is None or question.conversation_id != conversation.id:
        raise NotFound("이 대화에서 해당 질문을 찾을 수 없습니다.", turn_id=turn_id)
    return question


def _turn_input(conversation: Conversation, question: Message) -> TurnInput:
    assert question.turn_id is not None
    return TurnInput(
        turn_id=question.turn_id,
        conversation_id=conversation.id,
        message_id=question.id,
        empno=conversation.user_empno,
        workspace_id=conversation.workspace_id,
    )


def stop_turn(db: Executor, *, conversation: Conversation, turn_id: str) -> Message:
    """Stop a running turn: its stream closes now (the worker stops at its next flush; a research
    run is stopped with StopExecution) and what was streamed is kept as a stopped answer.

    A turn that already ended is answered 409 ``turn_already_ended`` with its status, unchanged.
    The stop is stored first and then announced: exactly one closing event still goes out
    (``TurnStream.finish`` is conditional), and whoever ends the turn later finds it stopped.
    """
    from portal.agents.completion import _stop_research
    from portal.agents.turn_stream import open_stream

    question = _question(db, conversation, turn_id)
    answer = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
    if answer is not None and answer.status in messages.ENDED:
        raise TurnAlreadyEnded(
            "이미 끝난 응답입니다.", turn_id=turn_id, status=answer.status, message_id=answer.id
        )
    turn = _turn_input(conversation, question)
    stream = open_stream(turn)
    agent = answer.agent_type if answer is not None else None
    # Stored before the closing event, so a screen that reloads on `done` finds it. A worker or
    # failure handler that stored its own ending first wins (ended answers are final).
    saved = store_stopped(db, stream, turn, agent=agent)
    if saved.status != "stopped":
        raise TurnAlreadyEnded(
            "이미 끝난 응답입니다.", turn_id=turn_id, status=saved.status, message_id=saved.id
        )
    # False when the worker or the failure handler closed the stream meanwhile: the stored stop
    # stands either way (they never write over it).
    stream.finish(stopped_event(saved.id, agent=agent))
    _stop_research(turn_id)  # Standard executions stop; an Express worker stops at its next flush
    logger.info("turn stopped", extra={"turn_id": turn_id, "message_id": saved.id, "status": saved.status})
    return saved


def stop_from_socket(db: Executor, *, empno: str, frame: dict[str, Any]) -> Message:
    """The socket's `{"action": "stop", "turn_id"}`: stop the user's own running turn.

    Everyone on the turn's sockets (the user's other tabs, workspace members) gets the closing
    event from the stream; nothing else is sent back.
    """
    from portal.db.repositories import conversations

    raw = frame.get("turn_id")
    if not isinstance(raw, str):
        raise BadRequest('"stop" needs a "turn_id" string')
    try:
        turn_id = str(uuid.UUID(raw))
    except ValueError:
        raise NotFound("Turn not found") from None
    question = messages.get_turn_message(db, turn_id=turn_id, role="user")
    conversation = (
        conversations.get_owned(db, conversation_id=question.conversation_id, user_empno=empno)
        if question is not None
        else None
    )
    if conversation is None:
        raise NotFound("Turn not found", turn_id=turn_id)
    return stop_turn(db, conversation=conversation, turn_id=turn_id)


def _options(question: Message, model: str | None) -> TurnOptions:
    """The earlier turn's options (agent, toggle, attachments), with another model if one is chosen."""
    options = TurnOptions.model_validate(question.metadata.get("options") or {})
    return options.model_copy(update={"model": model}) if model else options


def regenerate(
    db: Executor, *, user: User, conversation: Conversation, turn_id: str, model: str | None
) -> turns.StartedTurn:
    """A new answer to the same question (same options; another model when given), beside the old one."""
    question = _question(db, conversation, turn_id)
    _require_ended(db, turn_id)
    return turns.start_turn(
        db,
        user=user,
        conversation=conversation,
        content=question.content,
        options=_options(question, model),
        sibling_of=turn_id,
        origin={"regenerated_from": turn_id},
    )


def edit(
    db: Executor, *, user: User, conversation: Conversation, turn_id: str, content: str, model: str | None
) -> turns.StartedTurn:
    """The question rewritten and sent again as a new branch; the earlier question and its answers stay."""
    question = _question(db, conversation, turn_id)
    _require_ended(db, turn_id)
    return turns.start_turn(
        db,
        user=user,
        conversation=conversation,
        content=content,
        options=_options(question, model),
        sibling_of=turn_id,
        origin={"edited_from": turn_id},
    )


def show_branch(db: Executor, *, conversation: Conversation, turn_id: str) -> str:
    """Show the branch through `turn_id` (its newest continuation); returns the shown leaf."""
    leaf = messages.newest_leaf_under(db, conversation_id=conversation.id, turn_id=turn_id)
    if leaf is None:
        raise NotFound("이 대화에서 해당 질문을 찾을 수 없습니다.", turn_id=turn_id)
    messages.set_current_turn(db, conversation_id=conversation.id, turn_id=leaf)
    return leaf


def _require_ended(db: Executor, turn_id: str) -> None:
    """A running turn is stopped first: two answers to one question streaming at once is confusing."""
    answer = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
    if answer is None or answer.status not in messages.ENDED:
        raise Conflict(
            "응답이 끝난 뒤에 다시 생성하거나 수정할 수 있습니다. 먼저 중지해 주세요.", turn_id=turn_id
        )
