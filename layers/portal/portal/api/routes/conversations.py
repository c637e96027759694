"""Conversations of the signed-in user, and (read-only) those of workspaces they are a member of.

Another user's conversation outside a shared workspace is 404, never 403. Writing (delete,
posting messages) stays with the owner: those routes use owned_conversation (portal.api.deps).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from portal.api.deps import CurrentUser, Db
from portal.api.ids import uuid_or_404
from portal.api.schemas import ConversationCreate, ConversationList, ConversationOut, MessageList, MessageOut
from portal.collab.access import require_write
from portal.db.repositories import conversations, feedback, messages, workspaces
from portal.errors import NotFound
from portal.realtime import broadcast

router = APIRouter(prefix="/conversations", tags=["conversations"])


def readable_or_404(db: Db, user: CurrentUser, conversation_id: str) -> conversations.Conversation:
    """The user's conversation or one of a workspace they are a current member of; 404 otherwise."""
    found = conversations.get_readable(
        db, conversation_id=uuid_or_404(conversation_id, "Conversation"), empno=user.empno
    )
    if found is None:
        raise NotFound("Conversation not found")
    return found


def _out(c: conversations.Conversation, *, empno: str) -> ConversationOut:
    return ConversationOut.model_validate(
        c.model_dump() | {"owner_empno": c.user_empno, "shared": c.user_empno != empno}
    )


@router.post("", response_model=ConversationOut, status_code=201)
def create_conversation(body: ConversationCreate, user: CurrentUser, db: Db) -> ConversationOut:
    """Start an empty conversation, optionally inside a workspace the user can access."""
    workspace_id = None
    if body.workspace_id is not None:
        workspace_id = require_write(db, user, uuid_or_404(body.workspace_id, "Workspace"), "message").id
    created = conversations.create(db, user_empno=user.empno, title=body.title, workspace_id=workspace_id)
    out = _out(created, empno=user.empno)
    workspace = (
        workspaces.get_for_user(
            db, workspace_id=workspace_id, empno=user.empno, company_code=user.company_code
        )
        if workspace_id is not None
        else None
    )
    if workspace is not None:
        # The other members' lists gain it live (they may not have the workspace open, so
        # this goes to their sockets, not to the workspace's joined connections).
        members = {workspace.owner_empno, *(c.empno for c in workspace.collaborators)} - {user.empno}
        shared = out.model_copy(
            update={"workspace_title": workspace.title, "owner_name": user.name_ko, "shared": True}
        )
        broadcast.conversation_created(shared.model_dump(mode="json"), members=members, by_empno=user.empno)
    return out


@router.get("", response_model=ConversationList)
def list_conversations(user: CurrentUser, db: Db, limit: int = Query(50, ge=1, le=200)) -> ConversationList:
    """The user's conversations and their workspaces' conversations, most recent first."""
    items = conversations.list_visible(db, empno=user.empno, limit=limit)
    return ConversationList(items=[_out(c, empno=user.empno) for c in items])


@router.get("/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation_id: str, user: CurrentUser, db: Db) -> ConversationOut:
    return _out(readable_or_404(db, user, conversation_id), empno=user.empno)


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
    """The conversation's messages, oldest first (workspace members read them too)."""
    conversation = readable_or_404(db, user, conversation_id)
    items = messages.list_for_conversation(db, conversation_id=conversation.id, limit=limit)
    from portal.agents import overdue  # only reached when listing; keeps the API's cold start lean

    if overdue.repair_overdue_in(db, items):
        items = messages.list_for_conversation(db, conversation_id=conversation.id, limit=limit)
    beside = messages.siblings(db, conversation_id=conversation.id)
    rated = feedback.mine(db, conversation_id=conversation.id, empno=user.empno)
    return MessageList(
        items=[
            MessageOut.model_validate(
                {
                    **m.model_dump(),
                    "siblings": beside.get(m.turn_id, [m.turn_id]) if m.turn_id else [],
                    "my_feedback": _feedback(rated.get(m.id)),
                }
            )
            for m in items
        ]
    )


def _feedback(f: feedback.Feedback | None) -> dict[str, Any] | None:
    return None if f is None else {"rating": "up" if f.rating > 0 else "down", "comment": f.comment}
