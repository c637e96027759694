"""Turn controls on a conversation the user owns: stop, regenerate, edit-and-resend, switch branch.

Stop answers 200 with the stopped answer; regenerate and edit answer 202 like posting a message
(the new answer streams over the WebSocket). Logic: portal.agents.turn_controls.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from portal.agents import turn_controls
from portal.api.deps import CurrentUser, Db, owned_conversation
from portal.api.ids import uuid_or_404
from portal.api.launch import launch
from portal.api.schemas import BranchIn, BranchOut, EditIn, MessageOut, RegenerateIn, TurnAccepted
from portal.collab.access import require_write

router = APIRouter(prefix="/conversations", tags=["messages"])


def _writable(db: Db, user: CurrentUser, conversation_id: str):  # type: ignore[no-untyped-def]
    conversation = owned_conversation(db, user, conversation_id)
    if conversation.workspace_id is not None:
        require_write(db, user, conversation.workspace_id, "message")
    return conversation


@router.post("/{conversation_id}/turns/{turn_id}/stop", response_model=MessageOut)
def stop_turn(conversation_id: str, turn_id: str, user: CurrentUser, db: Db) -> MessageOut:
    """Stop a running turn; what was streamed is kept as the answer (status "stopped")."""
    conversation = _writable(db, user, conversation_id)
    saved = turn_controls.stop_turn(db, conversation=conversation, turn_id=uuid_or_404(turn_id, "Turn"))
    return MessageOut.model_validate(saved.model_dump())


@router.post(
    "/{conversation_id}/turns/{turn_id}/regenerate",
    status_code=202,
    response_model=TurnAccepted | MessageOut,
)
def regenerate(
    conversation_id: str, turn_id: str, body: RegenerateIn, user: CurrentUser, db: Db
) -> JSONResponse:
    """Answer the same question again (another model when given), as a new branch."""
    conversation = _writable(db, user, conversation_id)
    started = turn_controls.regenerate(
        db, user=user, conversation=conversation, turn_id=uuid_or_404(turn_id, "Turn"), model=body.model
    )
    return launch(db, user, started)


@router.post(
    "/{conversation_id}/turns/{turn_id}/edit", status_code=202, response_model=TurnAccepted | MessageOut
)
def edit(conversation_id: str, turn_id: str, body: EditIn, user: CurrentUser, db: Db) -> JSONResponse:
    """Send an edited question as a new branch; the earlier question and its answer stay reachable."""
    conversation = _writable(db, user, conversation_id)
    started = turn_controls.edit(
        db,
        user=user,
        conversation=conversation,
        turn_id=uuid_or_404(turn_id, "Turn"),
        content=body.content,
        model=body.model,
    )
    return launch(db, user, started)


@router.put("/{conversation_id}/branch", response_model=BranchOut)
def show_branch(conversation_id: str, body: BranchIn, user: CurrentUser, db: Db) -> BranchOut:
    """Show the branch through a turn (its newest continuation)."""
    conversation = _writable(db, user, conversation_id)
    leaf = turn_controls.show_branch(db, conversation=conversation, turn_id=uuid_or_404(body.turn_id, "Turn"))
    return BranchOut(current_turn_id=leaf)
