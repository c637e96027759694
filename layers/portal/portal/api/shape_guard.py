"""The REST side of the JSON-shape guard: every request body, path and query is checked once,
before routing, so no route can forget it (portal.shape holds the rules).

A pure ASGI middleware: it reads the body (bounded), checks it, and replays it to the app, so
the routes' own parsing is unchanged and never sees a body nested deeper than the guard allows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal import shape
from portal.api.errors import error_body

# The largest legitimate body is an artifact version (512 KiB of content as JSON, which may
# be \u-escaped); API Gateway's own limit is 10 MB.
MAX_BODY_BYTES = 4 * 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _refuse(status: int, code: str, message: str, **details: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **details), status_code=status)


class ShapeGuard:
    """Refuse NUL in the path or query, over-large bodies, and JSON of a refused shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_to_bytes(scope.get("query_string", b""))
        if b"\x00" in query or "\x00" in scope.get("path", ""):
            await _refuse(422, shape.ShapeRejected.code, "주소에 NUL 문자(\\u0000)를 넣을 수 없습니다.")(
                scope, receive, send
            )
            return
        if scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY_BYTES:
                await _refuse(
                    413,
                    "payload_too_large",
                    f"요청 본문은 최대 {MAX_BODY_BYTES:,}바이트입니다.",
                    limit=MAX_BODY_BYTES,
                )(scope, receive, send)
                return
        if body and _is_json(scope):
            try:
                shape.loads(bytes(body), what="요청 본문")
            except shape.ShapeRejected as exc:
                await _refuse(exc.status_code, exc.code, exc.message, **exc.details)(scope, receive, send)
                return
            except ValueError:
                pass  # not JSON at all: the route's own parser answers malformed_json (400)
        await self.app(scope, _replay(bytes(body), receive), send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI parses a body without a content type as JSON too


def _replay(body: bytes, receive_rest: Receive) -> Receive:
    """The body once, then the client's own messages (a disconnect still reaches the app)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive_rest()

    return receive
