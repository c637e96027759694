"""The WebSocket API's three routes: $connect (auth), $disconnect, $default (client actions)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from portal import services, shape
from portal.auth import principal
from portal.errors import PortalError
from portal.observability import MetricName, logger, metrics
from portal.realtime import presence, session
from portal.realtime.connections import Connection

# API Gateway accepts frames up to 128 KB; client actions are tiny, so refuse anything large.
MAX_FRAME_BYTES = 32 * 1024


def _response(status: int, body: str = "") -> dict[str, Any]:
    return {"statusCode": status, "body": body}


def handle_connect(event: dict[str, Any]) -> dict[str, Any]:
    """Accept the socket only with a valid token in the query string (?token=...)."""
    ctx = event["requestContext"]
    token = (event.get("queryStringParameters") or {}).get("token")
    try:
        claims = principal.verify(token)
        user = principal.provision(claims)
    except PortalError as exc:  # 401 bad token, 403 outside the allow-list, 503 database down
        logger.info("websocket refused", extra={"reason": exc.message, "status": exc.status_code})
        return _response(exc.status_code, exc.message)
    services.connections().add(
        connection_id=ctx["connectionId"], user_empno=user.empno, token_exp=claims.expires_at
    )
    metrics.add_metric(name=MetricName.WS_CONNECT, unit="Count", value=1)
    return _response(200)


def handle_disconnect(event: dict[str, Any]) -> dict[str, Any]:
    """Forget the connection and its workspace memberships (the workspaces hear `user_left`)."""
    presence.disconnect(event["requestContext"]["connectionId"])
    metrics.add_metric(name=MetricName.WS_DISCONNECT, unit="Count", value=1)
    return _response(200)


def _error(connection_id: str, code: str, message: str, **extra: Any) -> dict[str, Any]:
    services.sender().send(connection_id, {"type": "error", "code": code, "message": message, **extra})
    return _response(200)


def handle_default(event: dict[str, Any]) -> dict[str, Any]:
    """Dispatch a client action; bad frames get an `error` event and change nothing."""
    connection_id = event["requestContext"]["connectionId"]
    body = event.get("body") or ""
    if len(body.encode()) > MAX_FRAME_BYTES:
        return _error(connection_id, "frame_too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes")
    try:
        frame = shape.loads(body, what="프레임")
    except shape.ShapeRejected as exc:
        return _error(connection_id, exc.code, exc.message, **exc.details)
    except ValueError:
        return _error(connection_id, "malformed_json", "Frames must be JSON objects")
    if not isinstance(frame, dict) or not isinstance(frame.get("action"), str):
        return _error(connection_id, "invalid_frame", 'Frames need an "action" string')
    connection = services.connections().get(connection_id)
    if connection is None:
        return _response(410, "unknown connection")
    action = frame["action"]
    # Every frame but a re-authentication needs a live token; an expired one ends the socket.
    if action != "auth" and connection.token_expired(time.time()):
        services.sender().expire(connection_id)
        return _response(200)
    handler = ACTIONS.get(action)
    if handler is None:
        return _error(connection_id, "unknown_action", f"Unknown action {action!r}", actions=sorted(ACTIONS))
    try:
        handler(connection, frame)
    except PortalError as exc:
        extra = {"retry_after": exc.retry_after} if exc.retry_after is not None else {}
        return _error(connection_id, exc.code, exc.message, action=action, **extra, **exc.details)
    return _response(200)


def _ping(connection: Connection, frame: dict[str, Any]) -> None:
    services.sender().send(connection.connection_id, {"type": "pong"})


def _join(connection: Connection, frame: dict[str, Any]) -> None:
    presence.join(services.db(), connection, presence.workspace_id_of(frame))


def _leave(connection: Connection, frame: dict[str, Any]) -> None:
    presence.leave(connection, presence.workspace_id_of(frame))


def _resume(connection: Connection, frame: dict[str, Any]) -> None:
    # Imported here: resuming may repair an overdue turn (the agents' failure path), which
    # $connect, $disconnect and the other actions never need at cold start.
    from portal.realtime import resume

    resume.resume(services.db(), connection, frame)


def _stop(connection: Connection, frame: dict[str, Any]) -> None:
    # Imported here like resume: only a stop needs the agents' completion path.
    from portal.agents import turn_controls

    turn_controls.stop_from_socket(services.db(), empno=connection.user_empno, frame=frame)


# Client actions: {"action": <name>, ...}. Each either answers with events or raises a
# PortalError, which becomes an `error` event and changes nothing.
ACTIONS: dict[str, Callable[[Connection, dict[str, Any]], None]] = {
    "auth": session.reauthenticate,
    "ping": _ping,
    "join": _join,
    "leave": _leave,
    "resume": _resume,
    "stop": _stop,
}


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """Route an API Gateway WebSocket event by its routeKey."""
    route_key = event["requestContext"]["routeKey"]
    if route_key == "$connect":
        return handle_connect(event)
    if route_key == "$disconnect":
        return handle_disconnect(event)
    return handle_default(event)
