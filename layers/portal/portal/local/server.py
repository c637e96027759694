"""The local HTTP server: REST under /api, a WebSocket at /ws that behaves like API Gateway's,
the management API's HTTP contract (POST/GET/DELETE /@connections/{id}), and the web UI.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from portal.api.app import create_app
from portal.local import oidc, uploads
from portal.local.functions import invoke, repo_root
from portal.local.origin_guard import LocalOriginGuard
from portal.observability import logger
from portal.settings import get_settings

WS_FUNCTION = "portal-ws"
# What the web UI asks the issuer for (config.json `auth.scope`); refresh tokens come with the code grant.
AUTH_SCOPE = "openid profile email"
BINARY_FRAME_ERROR = {
    "type": "error",
    "code": "binary_frame",
    "message": "바이너리 프레임은 지원하지 않습니다. JSON 텍스트로 보내 주세요.",
}


@dataclass
class _Socket:
    websocket: WebSocket
    empno_hint: str | None
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    connected_at: float = field(default_factory=time.time)
    last_active: float = field(default_factory=time.time)


def _connection_id() -> str:
    # API Gateway ids look like "L0SM9cOFvHcCIhw="; any unique, URL-safe string behaves the same.
    return base64.urlsafe_b64encode(uuid.uuid4().bytes[:10]).decode().rstrip("=") + "="


def _ws_event(
    route_key: str, connection_id: str, *, query: dict[str, str] | None = None, body: str | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "requestContext": {
            "routeKey": route_key,
            "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE"),
            "connectionId": connection_id,
            "requestId": str(uuid.uuid4()),
            "stage": "local",
            "domainName": "localhost",
            "apiId": "local",
            "connectedAt": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query is not None:
        event["queryStringParameters"] = query or None
    if body is not None:
        event["body"] = body
    return event


def create_local_app(web_dist: Path | None = None) -> FastAPI:
    """The REST app plus the local-only routes of the API Gateway stand-in."""
    app = create_app()
    # Outermost: nothing of the local target answers a foreign Host or Origin (DNS rebinding).
    app.add_middleware(LocalOriginGuard, settings=get_settings())
    app.include_router(uploads.router)  # presigned POSTs to the uploads bucket (S3 stand-in)
    app.include_router(oidc.router)  # the local identity provider (Cognito's stand-in)
    sockets: dict[str, _Socket] = {}
    app.state.sockets = sockets

    @app.websocket("/ws")
    async def websocket_endpoint(websocket: WebSocket) -> None:
        connection_id = _connection_id()
        query = dict(websocket.query_params)
        result, error = await run_in_threadpool(
            invoke, WS_FUNCTION, _ws_event("$connect", connection_id, query=query)
        )
        if error or result.get("statusCode") != 200:
            # API Gateway answers the upgrade request with the $connect status; Starlette sends 403.
            await websocket.close(code=1008)
            return
        await websocket.accept()
        sock = _Socket(websocket, None)
        sockets[connection_id] = sock

        async def pump() -> None:
            while True:
                text = await sock.queue.get()
                try:
                    await websocket.send_text(text)
                finally:
                    sock.queue.task_done()

        pump_task = asyncio.create_task(pump())
        try:
            while True:
                frame = await websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    break
                sock.last_active = time.time()
                if frame.get("text") is None:
                    # Client actions are JSON text; a binary frame is answered and the socket closed
                    # properly (1003: unsupported data), not dropped without a close frame.
                    await sock.queue.put(json.dumps(BINARY_FRAME_ERROR, ensure_ascii=False))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(sock.queue.join(), timeout=2)
                    await websocket.close(code=1003)
                    break
                await run_in_threadpool(
                    invoke, WS_FUNCTION, _ws_event("$default", connection_id, body=frame["text"])
                )
        except WebSocketDisconnect:
            pass
        finally:
            sockets.pop(connection_id, None)
            pump_task.cancel()
            await run_in_threadpool(invoke, WS_FUNCTION, _ws_event("$disconnect", connection_id))

    def _gone(connection_id: str) -> JSONResponse:
        return JSONResponse(
            {"message": f"Connection {connection_id} is gone"},
            status_code=410,
            headers={"x-amzn-ErrorType": "GoneException"},
        )

    @app.post("/@connections/{connection_id}")
    async def post_to_connection(connection_id: str, request: Request) -> Response:
        sock = sockets.get(connection_id)
        if sock is None:
            return _gone(connection_id)
        await sock.queue.put((await request.body()).decode())
        return Response(status_code=200)

    @app.get("/@connections/{connection_id}")
    async def get_connection(connection_id: str) -> Response:
        sock = sockets.get(connection_id)
        if sock is None:
            return _gone(connection_id)

        def iso(t: float) -> str:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

        return JSONResponse({"ConnectedAt": iso(sock.connected_at), "LastActiveAt": iso(sock.last_active)})

    @app.delete("/@connections/{connection_id}")
    async def delete_connection(connection_id: str) -> Response:
        sock = sockets.get(connection_id)
        if sock is None:
            return _gone(connection_id)
        # Events posted before the close (auth_expired, a last error) reach the socket first, as in AWS.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sock.queue.join(), timeout=2)
        await sock.websocket.close(code=1000)
        return Response(status_code=204)

    @app.get("/config.json")
    def runtime_config(request: Request) -> dict[str, Any]:
        host = request.headers.get("host", "localhost")
        settings = get_settings()
        return {
            "apiBase": "/api",
            "wsUrl": f"ws://{host}/ws",
            "local": True,
            # The UI signs in through OIDC here as in AWS; the local issuer has no separate logout URL.
            "auth": {
                "authority": settings.oidc_issuer,
                "clientId": settings.oidc_audience,
                "scope": AUTH_SCOPE,
            },
        }

    dist = web_dist or repo_root() / "web" / "dist"

    @app.get("/{path:path}", include_in_schema=False)
    def web(path: str) -> Response:
        if path.startswith(("api/", "@connections", "oidc/")):
            return JSONResponse({"error": {"code": "not_found", "message": "Not found"}}, status_code=404)
        target = (dist / path).resolve()
        if path and target.is_file() and dist.resolve() in target.parents:
            return FileResponse(target)
        index = dist / "index.html"
        if index.is_file():
            return FileResponse(index)
        return JSONResponse(
            {"message": "The web UI is not built: run `npm --prefix web ci && npm --prefix web run build`."},
            status_code=404,
        )

    logger.info("local server app ready", extra={"pid": os.getpid(), "web": str(dist)})
    return app
