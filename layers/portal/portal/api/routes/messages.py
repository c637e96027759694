"""Posting a message starts a chat turn (202), or runs it to the end with ?wait=true."""

from __future__ import annotations

from botocore.exceptions import ClientError
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from portal import services
from portal.agents import turns
from portal.agents.turn import TurnOptions
from portal.api.deps import CurrentUser, Db
from portal.api.routes.conversations import owned_or_404
from portal.api.schemas import MessageCreate, MessageOut, TurnAccepted
from portal.db.repositories import messages
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
    wait: bool = Query(False, description="run the turn to the end and answer with the assistant message"),
) -> JSONResponse:
    """Store the user's message and start the chat workflow; the answer streams over the WebSocket."""
    conversation = owned_or_404(db, user, conversation_id)
    options = TurnOptions(
        agent=body.agent, model=body.model, toggle=body.toggle, attachments=body.attachments
    )
    started = turns.start_turn(
        db, user=user, conversation=conversation, content=body.content, options=options
    )
    # Before the launch, so workspace members see the question before its first chunk.
    broadcast.message_created(
        started.message,
        workspace_id=started.turn.workspace_id,
        author_empno=user.empno,
        author_name=user.name_ko,
    )
    try:
        if not wait:
            services.launcher().start(started.turn)
            accepted = TurnAccepted(
                turn_id=started.turn.turn_id, message_id=started.message.id, conversation_id=conversation.id
            )
            return JSONResponse(accepted.model_dump(), status_code=202)
        result = services.launcher().run(started.turn)
    except (ClientError, NotConfigured) as exc:
        turns.forget_turn(db, started)
        logger.exception("could not start the chat workflow", extra={"turn_id": started.turn.turn_id})
        raise NotConfigured("The chat workflow could not be started; nothing was stored") from exc
    answer = messages.get_turn_message(db, turn_id=started.turn.turn_id, role="assistant")
    if answer is None or result["status"] != "SUCCEEDED":
        raise TurnFailed(
            answer.content if answer else "The turn failed",
            turn_id=started.turn.turn_id,
            status=result["status"],
        )
    return JSONResponse(
        MessageOut.model_validate(answer.model_dump()).model_dump(mode="json"), status_code=200
    )
