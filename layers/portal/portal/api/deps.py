"""FastAPI dependencies as Annotated aliases: `user: CurrentUser`, `db: Db`, and the ones several
route modules share (`ClientOrigin`, `OwnedConversation`), so that routes never import each other."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from portal import services
from portal.api.ids import uuid_or_404
from portal.auth.principal import authenticate
from portal.db.executor import Executor
from portal.db.repositories import conversations
from portal.db.repositories.activity import Origin
from portal.db.repositories.users import User
from portal.errors import Forbidden, NotFound, Unauthorized


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be 'Bearer <token>'")
    return token.strip()


def current_user(request: Request) -> User:
    """The authenticated user of this request (401 otherwise)."""
    user = authenticate(_bearer(request))
    request.state.empno = user.empno
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The authenticated user, who must be an administrator (403 otherwise)."""
    if not user.is_admin:
        raise Forbidden("Administrators only")
    return user


async def database() -> Executor:
    # A coroutine: FastAPI runs a sync dependency in a worker thread, a hop on every request
    # for a cached getter (the pool is built once per container) (#14).
    return services.db()


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
Db = Annotated[Executor, Depends(database)]


def owned_conversation(db: Db, user: CurrentUser, conversation_id: str) -> conversations.Conversation:
    """The user's conversation, or 404 for unknown ids and other users' conversations alike."""
    found = conversations.get_owned(
        db, conversation_id=uuid_or_404(conversation_id, "Conversation"), user_empno=user.empno
    )
    if found is None:
        raise NotFound("Conversation not found")
    return found


def readable_or_404(db: Db, user: CurrentUser, conversation_id: str) -> conversations.Conversation:
    """The user's conversation or one of a workspace they are a current member of; 404 otherwise."""
    found = conversations.get_readable(
        db, conversation_id=uuid_or_404(conversation_id, "Conversation"), empno=user.empno
    )
    if found is None:
        raise NotFound("Conversation not found")
    return found


def domain_agent(agent: str) -> str:
    """The path's agent, which must be a domain agent (404 otherwise, before the body is read)."""
    from portal.agents.mcp.config import DOMAIN_AGENTS  # only the admin routes need it

    if agent not in DOMAIN_AGENTS:
        raise NotFound(f"Unknown domain agent {agent!r}; one of {', '.join(DOMAIN_AGENTS)}")
    return agent


def client_origin(request: Request) -> Origin:
    """The caller's address and user agent, for the activity log."""
    return Origin(
        ip_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def workspace_id_or_404(workspace_id: str) -> str:
    """The canonical id; a malformed one is simply unknown."""
    return uuid_or_404(workspace_id, "Workspace")


OwnedConversation = Annotated[conversations.Conversation, Depends(owned_conversation)]
DomainAgent = Annotated[str, Depends(domain_agent)]
ClientOrigin = Annotated[Origin, Depends(client_origin)]
