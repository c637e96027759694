"""Conversations of the signed-in user. Another user's conversation is 404, never 403."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from portal.api.deps import CurrentUser, Db, OwnedConversation, owned_conversation
from portal.api.ids import uuid_or_404
from portal.api.schemas import ConversationCreate, ConversationList, ConversationOut, MessageList, MessageOut
from portal.collab.access import require_write
from portal.db.repositories import conversations, messages
from portal.errors import NotFound

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.post("", response_model=ConversationOut, status_code=201)
def create_conversation(body: ConversationCreate, user: CurrentUser, db: Db) -> ConversationOut:
    """Start an empty conversation, optionally inside a workspace the user can access."""
    workspace_id = None
    if body.workspace_id is not None:
        workspace_id = require_write(db, user, uuid_or_404(body.workspace_id, "Workspace"), "message").id
    created = conversations.create(db, user_empno=user.empno, title=body.title, workspace_id=workspace_id)
    return ConversationOut.model_validate(created.model_dump())


@router.get("", response_model=ConversationList)
def list_conversations(user: CurrentUser, db: Db, limit: int = Query(50, ge=1, le=200)) -> ConversationList:
    """The user's conversations, most recent first."""
    items = conversations.list_for_user(db, user_empno=user.empno, limit=limit)
    return ConversationList(items=[ConversationOut.model_validate(c.model_dump()) for c in items])


@router.get("/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation: OwnedConversation) -> ConversationOut:
    return ConversationOut.model_validate(conversation.model_dump())


@router.delete("/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, user: CurrentUser, db: Db) -> Response:
    """Stop the conversation's running turns, then delete it and its messages."""
    conversation = conversations.get(db, conversation_id=uuid_or_404(conversation_id, "Conversation"))
    if conversation is not None and conversation.user_empno == user.empno:
        from portal.agents.completion import stop_conversation_turns  # keeps the API's cold start lean

        stop_conversation_turns(db, conversation)
    if not conversations.delete_owned(
        db, conversation_id=uuid_or_404(conversation_id, "Conversation"), user_empno=user.empno
    ):
        raise NotFound("Conversation not found")
    return Response(status_code=204)


@router.get("/{conversation_id}/messages", response_model=MessageList)
def list_messages(
    conversation_id: str, user: CurrentUser, db: Db, limit: int = Query(200, ge=1, le=1000)
) -> MessageList:
    """The conversation's messages, oldest first."""
    conversation = owned_conversation(db, user, conversation_id)
    items = messages.list_for_conversation(db, conversation_id=conversation.id, limit=limit)
    from portal.agents import overdue  # only reached when listing; keeps the API's cold start lean

    if overdue.repair_overdue_in(db, items):
        items = messages.list_for_conversation(db, conversation_id=conversation.id, limit=limit)
    return MessageList(items=[MessageOut.model_validate(m.model_dump()) for m in items])
