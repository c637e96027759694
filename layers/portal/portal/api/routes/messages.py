"""Posting a message starts a chat turn (202), or with ?wait=true waits up to 25 s for the answer."""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from portal import services
from portal.agents import turns, waiting
from portal.agents.turn import TurnOptions
from portal.api.deps import CurrentUser, Db, owned_conversation
from portal.api.schemas import MessageCreate, MessageOut, TurnAccepted
from portal.budgets.errors import BudgetExceeded, refused_by_budget
from portal.collab.access import require_write
from portal.errors import NotConfigured, PortalError
from portal.observability import logger
from portal.realtime import broadcast

router = APIRouter(prefix="/conversations", tags=["messages"])


class TurnFailed(PortalError):
    status_code = 502
    code = "turn_failed"


@router.post("/{conversation_id}/messages", status_code=202, response_model=TurnAccepted | MessageOut)
def post_message(
    conversation_id: str,
    body: MessageCreate,
    user: CurrentUser,
    db: Db,
    wait: bool = Query(
        False,
        description="wait up to 25 s for the answer (200); a turn still running then is answered 202",
    ),
) -> JSONResponse:
    """Store the user's message and start the chat workflow; the answer streams over the WebSocket."""
    conversation = owned_conversation(db, user, conversation_id)
    if conversation.workspace_id is not None:
        # The conversation's workspace_id was checked when it was created; access may have
        # been revoked since, and this message is broadcast to the workspace's members.
        require_write(db, user, conversation.workspace_id, "message")
    options = TurnOptions(
        agent=body.agent, model=body.model, toggle=body.toggle, attachments=body.attachments
    )
    started = turns.start_turn(
        db, user=user, conversation=conversation, content=body.content, options=options
    )
    return launch(db, user, started, wait=wait)


def launch(db: Db, user: CurrentUser, started: turns.StartedTurn, *, wait: bool = False) -> JSONResponse:
    """Announce a stored turn, start its workflow, and answer 202 (or 200 with the answer when waiting)."""
    # Before the launch, so workspace members see the question before its first chunk.
    broadcast.message_created(
        started.message,
        workspace_id=started.turn.workspace_id,
        author_empno=user.empno,
        author_name=user.name_ko,
    )
    try:
        turns.mark_open(started)
        services.launcher().start(started.turn)
    # Errors that prove no execution started: Step Functions refused it, or the request never
    # reached it. Anything else (a read time-out: it may have started) leaves the turn open, and
    # the overdue sweep ends it if nothing else does (portal.agents.overdue).
    except (ClientError, NotConfigured, EndpointConnectionError, ConnectTimeoutError) as exc:
        turns.forget_turn(db, started)
        logger.exception("could not start the chat workflow", extra={"turn_id": started.turn.turn_id})
        raise NotConfigured("The chat workflow could not be started; nothing was stored") from exc
    accepted = TurnAccepted(
        turn_id=started.turn.turn_id,
        message_id=started.message.id,
        conversation_id=started.turn.conversation_id,
    )
    answer = waiting.wait_for_answer(db, turn_id=started.turn.turn_id) if wait else None
    if answer is None:
        # Not asked to wait, or still running after the wait: follow the socket or poll.
        return JSONResponse(accepted.model_dump(), status_code=202)
    if answer.status == "failed":
        if refused_by_budget(answer.metadata):  # refused at a model call: the same 402 as at the door
            raise BudgetExceeded(answer.content, turn_id=started.turn.turn_id)
        raise TurnFailed(answer.content, turn_id=started.turn.turn_id, status=answer.status)
    return JSONResponse(
        MessageOut.model_validate(answer.model_dump()).model_dump(mode="json"), status_code=200
    )
