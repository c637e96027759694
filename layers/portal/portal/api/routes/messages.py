"""Posting a message starts a chat turn (202), or with ?wait=true waits up to 25 s for the answer."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from portal.agents import turns
from portal.agents.turn import TurnOptions
from portal.api.deps import CurrentUser, Db, owned_conversation
from portal.api.launch import launch
from portal.api.schemas import MessageCreate, MessageOut, TurnAccepted
from portal.collab.access import require_write

router = APIRouter(prefix="/conversations", tags=["messages"])


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
