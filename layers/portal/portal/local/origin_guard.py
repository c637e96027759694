"""The local target answers only its own origin: a request whose Host, or whose Origin when a
browser sends one, is not the local target's is refused (HTTP 403, WebSocket closed 1008).

Why: the local target listens on loopback, but a web page the developer opens can still make
their browser talk to it. With DNS rebinding (attacker.example resolving to 127.0.0.1) the
browser sends ``Host: attacker.example:8000``; a cross-site page sends its own ``Origin``.
Either is refused here, so no page but the portal's own can drive it.

The local origin is the local issuer's (``PORTAL_OIDC_ISSUER``, set by the local target to
its base URL), plus the loopback names for the same port, the configured CORS origins (the
Vite dev server) and ``PORTAL_LOCAL_ALLOWED_HOSTS`` (`portal dev --allow-host` for a LAN name).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.settings import Settings

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Host header values (``name:port``) the local target answers."""
    issuer = urlsplit(settings.oidc_issuer)
    port = issuer.port or (443 if issuer.scheme == "https" else 80)
    hosts = {issuer.netloc.lower(), *(f"{name}:{port}" for name in _LOOPBACK_NAMES)}
    hosts.update(h.lower() for h in settings.local_allowed_hosts)
    return frozenset(hosts)


def allowed_origins(settings: Settings) -> frozenset[str]:
    """Origin header values the local target answers (the same hosts over http, and CORS's)."""
    return frozenset(
        {f"http://{h}" for h in allowed_hosts(settings)}
        | {o.lower().rstrip("/") for o in settings.cors_origins}
    )


class LocalOriginGuard:
    """Refuse requests and sockets addressed to another host or sent from another origin."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.hosts = allowed_hosts(settings)
        self.origins = allowed_origins(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}
        host = headers.get("host", "").lower()
        origin = headers.get("origin", "").lower().rstrip("/")
        problem = None
        if host not in self.hosts:
            problem = f"이 로컬 포털은 {host or '(없음)'} 주소로 요청을 받지 않습니다."
        elif origin and origin != "null" and origin not in self.origins:
            problem = f"{origin}에서 온 요청은 로컬 포털이 받지 않습니다."
        elif origin == "null":
            problem = "출처가 없는(null) 요청은 로컬 포털이 받지 않습니다."
        if problem is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = {"error": {"code": "foreign_origin", "message": problem}}
        await JSONResponse(body, status_code=403)(scope, receive, send)
