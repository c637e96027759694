"""Re-authentication over a live socket: {"action": "auth", "token": <fresh ID token>}.

$connect records the token's exp on the connection; every incoming frame (routes), every
post to the socket (Sender) and the sweep (portal.realtime.expiry) check it. A socket that
re-authenticates in time lives on until the new token's exp.
"""

from __future__ import annotations

from typing import Any

from portal import services
from portal.auth import messages, principal
from portal.errors import Unauthorized
from portal.observability import logger
from portal.realtime.connections import Connection


def reauthenticate(connection: Connection, frame: dict[str, Any]) -> None:
    """Extend the socket's life to a fresh token's exp; same user only. Raises Unauthorized/Forbidden."""
    token = frame.get("token")
    if not isinstance(token, str) or not token:
        raise Unauthorized('auth needs "token"')
    claims = principal.verify(token)
    cid = connection.connection_id
    if claims.empno != connection.user_empno:
        # A socket never changes hands: its joins and streams were authorised for the first user.
        logger.warning("re-auth as another user refused", extra={"connection_id": cid})
        error = {"type": "error", "code": "unauthorized", "message": messages.SOCKET_EMPNO_CHANGED}
        services.sender().send_and_close(cid, error)
        return
    principal.provision(claims)  # name, department and company follow the IdP here too
    if not services.connections().reauthenticate(cid, token_exp=claims.expires_at):
        return  # the socket went away meanwhile; nothing to answer
    services.sender().send(cid, {"type": "auth_ok", "exp": claims.expires_at})
