"""FastAPI dependencies as Annotated aliases: `user: CurrentUser`, `db: Db`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from portal import services
from portal.auth.principal import authenticate
from portal.db.executor import Executor
from portal.db.repositories.users import User
from portal.errors import Forbidden, Unauthorized


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


def database() -> Executor:
    return services.db()


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
Db = Annotated[Executor, Depends(database)]
