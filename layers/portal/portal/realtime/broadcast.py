"""Server events to everyone joined to a workspace (the seed's broadcast_to_workspace, over DynamoDB).

Fan-out is concurrent (Sender.send_many) and a send that finds a connection gone deletes
it, so a socket that vanished without $disconnect is cleaned up on the next broadcast.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from portal import services
from portal.db.repositories.artifacts import Artifact, ArtifactSummary
from portal.db.repositories.messages import Message
from portal.observability import logger

# Small contents travel with artifact.updated so open editors update at once; larger ones
# are fetched over REST (post_to_connection frames are limited to 128 KB).
INLINE_CONTENT_BYTES = 16 * 1024


def to_workspace(
    workspace_id: str,
    event: dict[str, Any],
    *,
    exclude_user: str | None = None,
    exclude_connections: frozenset[str] = frozenset(),
) -> int:
    """Send one event to every connection joined to the workspace; return how many received it.

    Best effort: the change it announces has already committed, so a DynamoDB fault is
    logged, not raised (clients re-read over REST when they reconnect).
    """
    try:
        members = services.connections().in_workspace(workspace_id)
    except (ClientError, BotoCoreError):
        logger.warning(
            "workspace broadcast skipped", extra={"workspace_id": workspace_id, "type": event.get("type")}
        )
        return 0
    ids = [
        m.connection_id
        for m in members
        if m.empno != exclude_user and m.connection_id not in exclude_connections
    ]
    return services.sender().send_many(ids, event)


def artifact_updated(
    artifact: ArtifactSummary,
    *,
    actor_empno: str,
    actor_name: str | None,
    source: Literal["api", "canvas"],
) -> int:
    """Tell the workspace a new version of an artifact exists (everyone: other tabs of the editor too)."""
    body = artifact.model_dump(mode="json", exclude={"content"})
    if isinstance(artifact, Artifact):
        encoded = json.dumps(artifact.content, ensure_ascii=False)
        if len(encoded.encode()) <= INLINE_CONTENT_BYTES:
            body["content"] = artifact.content
        else:
            body["content_omitted"] = True
    return to_workspace(
        artifact.workspace_id,
        {
            "type": "artifact.updated",
            "workspace_id": artifact.workspace_id,
            "artifact": body,
            "by": {"empno": actor_empno, "name": actor_name},
            "source": source,
            "timestamp": time.time(),
        },
    )


def message_created(
    message: Message, *, workspace_id: str | None, author_empno: str, author_name: str | None
) -> int:
    """Show a user's chat message as its turn starts (the answer streams after) to the same
    audience as the turn's stream: every socket of its author (their other tabs), and everyone
    joined to the conversation's workspace.
    """
    event = {
        "type": "message.created",
        "workspace_id": workspace_id,
        "conversation_id": message.conversation_id,
        "turn_id": message.turn_id,
        "message": {
            "id": message.id,
            "role": message.role,
            "content": message.content,
            "created_at": message.created_at.isoformat(),
        },
        "by": {"empno": author_empno, "name": author_name},
        "timestamp": time.time(),
    }
    try:
        ids = services.connections().turn_audience(author_empno, workspace_id)
    except (ClientError, BotoCoreError):  # best effort, as to_workspace: the message is stored
        logger.warning("message.created broadcast skipped", extra={"workspace_id": workspace_id})
        return 0
    return services.sender().send_many(ids, event)


def to_user(empno: str, event: dict[str, Any]) -> int:
    """Send one event to every socket of one user (e.g. they were added to a workspace).

    Best effort, like to_workspace: the change is committed; the UI re-reads over REST.
    """
    try:
        ids = services.connections().for_user(empno)
    except (ClientError, BotoCoreError):
        logger.warning("user event skipped", extra={"type": event.get("type")})
        return 0
    return services.sender().send_many(ids, event)


def membership_changed(workspace_id: str, *, empno: str, role: str | None, by_empno: str) -> int:
    """Tell a user their access to a workspace changed (role None: removed), so their
    workspace list and its conversations appear or go without a reload."""
    return to_user(
        empno,
        {
            "type": "workspace.membership",
            "workspace_id": workspace_id,
            "role": role,
            "by": {"empno": by_empno},
            "timestamp": time.time(),
        },
    )


def conversation_created(conversation: dict[str, Any], *, members: set[str], by_empno: str) -> int:
    """Tell a workspace's other members a conversation was started in it, so it appears in
    their list without a reload; return how many sockets received it."""
    event = {
        "type": "conversation.created",
        "workspace_id": conversation["workspace_id"],
        "conversation": conversation,
        "by": {"empno": by_empno},
        "timestamp": time.time(),
    }
    return sum(to_user(empno, event) for empno in sorted(members))
