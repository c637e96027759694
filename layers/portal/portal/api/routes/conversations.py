"""Conversations of the signed-in user, and (read-only) those of workspaces they are a member of
or shared with them; rename, search, Markdown export and the owner's shares.

Another user's conversation they may not read is 404, never 403. Writing (rename, delete,
posting messages, shares) stays with the owner: those routes use owned_conversation.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError

from portal.api.deps import CurrentUser, Db, OwnedConversation, readable_or_404
from portal.api.ids import uuid_or_404
from portal.api.schemas import ConversationCreate, ConversationList, ConversationOut, MessageList, MessageOut
from portal.api.schemas_conversations import (
    ConversationRename,
    SearchHitOut,
    SearchResults,
    ShareCreate,
    ShareList,
    ShareOut,
)
from portal.collab.access import require_write
from portal.conversations import export, search, sharing
from portal.db.repositories import conversation_shares, conversations, feedback, messages, users, workspaces
from portal.errors import BadRequest, NotFound
from portal.realtime import broadcast

router = APIRouter(prefix="/conversations", tags=["conversations"])


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


class CursorInvalid(BadRequest):
    status_code = 422
    code = "cursor_invalid"


def _cursor_text(c: conversations.Conversation) -> str:
    raw = f"{c.updated_at.isoformat()}|{c.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(text: str) -> conversations.Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        at, _, conversation_id = raw.partition("|")
        return conversations.Cursor(
            updated_at=datetime.fromisoformat(at), id=uuid_or_404(conversation_id, "x")
        )
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError, NotFound):
        raise CursorInvalid("목록의 다음 쪽 표시(after)가 올바르지 않습니다.") from None


@router.get("", response_model=ConversationList)
def list_conversations(
    user: CurrentUser,
    db: Db,
    limit: int = Query(50, ge=1, le=200),
    after: str | None = Query(None, max_length=200, description="next_cursor of the previous page"),
) -> ConversationList:
    """The user's conversations, their workspaces' and those shared with them, most recent first."""
    # One more than asked tells whether there is a next page without a count query.
    items = conversations.list_visible(
        db, empno=user.empno, limit=limit + 1, after=_cursor(after) if after else None
    )
    page = items[:limit]
    return ConversationList(
        items=[_out(c, empno=user.empno) for c in page],
        next_cursor=_cursor_text(page[-1]) if len(items) > limit else None,
    )


@router.get("/search", response_model=SearchResults)
def search_conversations(
    user: CurrentUser,
    db: Db,
    q: str = Query(min_length=1, max_length=search.MAX_QUERY_CHARS),
    limit: int = Query(30, ge=1, le=100),
) -> SearchResults:
    """The user's own messages and conversation titles containing every word of `q` (Korean-aware)."""
    if not q.strip():
        raise BadRequest("검색어를 입력해 주세요.")
    hits = search.search(db, empno=user.empno, query=q, limit=limit)
    return SearchResults(query=q, items=[SearchHitOut.model_validate(h.model_dump()) for h in hits])


@router.get("/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation_id: str, user: CurrentUser, db: Db) -> ConversationOut:
    return _out(readable_or_404(db, user, conversation_id), empno=user.empno)


@router.patch("/{conversation_id}", response_model=ConversationOut)
def rename_conversation(
    conversation: OwnedConversation, body: ConversationRename, user: CurrentUser, db: Db
) -> ConversationOut:
    """Rename the user's own conversation."""
    renamed = conversations.rename_owned(
        db, conversation_id=conversation.id, user_empno=user.empno, title=body.title
    )
    if renamed is None:  # deleted meanwhile
        raise NotFound("Conversation not found")
    return _out(renamed, empno=user.empno)


@router.get("/{conversation_id}/export", response_class=Response)
def export_conversation(conversation_id: str, user: CurrentUser, db: Db) -> Response:
    """The conversation as a Markdown download, for anyone who may read it."""
    conversation = readable_or_404(db, user, conversation_id)
    items = messages.list_for_conversation(db, conversation_id=conversation.id, limit=10_000)
    owner = users.get(db, empno=conversation.user_empno)
    body = export.to_markdown(conversation, items, owner_name=owner.name_ko if owner else None)
    name = export.filename(conversation)
    return Response(
        content=body,
        media_type="text/markdown; charset=utf-8",
        headers={
            "Content-Disposition": f"attachment; filename=\"conversation.md\"; filename*=UTF-8''{quote(name)}"
        },
    )


@router.get("/{conversation_id}/shares", response_model=ShareList)
def list_shares(conversation: OwnedConversation, db: Db) -> ShareList:
    """Who the owner has shared the conversation with."""
    items = conversation_shares.list_for_conversation(db, conversation_id=conversation.id)
    return ShareList(items=[ShareOut.model_validate(s.model_dump()) for s in items])


@router.post("/{conversation_id}/shares", response_model=ShareOut, status_code=201)
def add_share(
    conversation: OwnedConversation, body: ShareCreate, user: CurrentUser, db: Db, response: Response
) -> ShareOut:
    """Share read-only with a colleague or a workspace; sharing again answers 200 with the same share."""
    workspace_id = uuid_or_404(body.workspace_id, "Workspace") if body.workspace_id else None
    share, created = sharing.share(db, user, conversation, empno=body.empno, workspace_id=workspace_id)
    if not created:
        response.status_code = 200
    return ShareOut.model_validate(share.model_dump())


@router.delete("/{conversation_id}/shares/{share_id}", status_code=204)
def revoke_share(conversation: OwnedConversation, share_id: str, db: Db) -> Response:
    """Revoke a share: its grantee's next read is refused."""
    sharing.revoke(db, conversation, uuid_or_404(share_id, "Share"))
    return Response(status_code=204)


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
