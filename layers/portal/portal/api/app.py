"""The REST API: one FastAPI app, served by Mangum in Lambda and by uvicorn locally.

Route modules are imported when the first request for their path arrives, not when the app is
built: FastAPI builds every route's models and dependencies at registration (~40 % of the API
function's import), and a Lambda container typically serves a few of the eleven modules. The
first path segment after /api names the modules that serve it (ROUTE_MODULES); the docs, the
OpenAPI document and any path not in the table load them all, so routing never depends on
what was loaded before. tests/unit/test_lazy_routes.py checks the table against the routes.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.api import pydantic_v1_probe
from portal.api.errors import install_error_handlers
from portal.api.ratelimit import rate_limited
from portal.api.shape_guard import ShapeGuard
from portal.settings import get_settings

if TYPE_CHECKING:
    # Never run: spelled out so that what follows imports statically (mypy, and the layer check in
    # tests/infra/test_layer_imports.py, which walks every import a handler can reach) sees the
    # route modules that LazyRoutes imports by name.
    from portal.api.routes import (  # noqa: F401
        admin_activity,
        admin_agents,
        admin_budgets,
        admin_cache,
        admin_features,
        admin_feedback,
        admin_grants,
        admin_mcp_test,
        admin_models,
        admin_permissions,
        admin_usage,
        admin_users,
        artifacts,
        conversations,
        directory,
        feedback,
        file_links,
        files,
        health,
        me,
        me_budget,
        me_usage,
        messages,
        models,
        preferences,
        profile,
        prompt_templates,
        turn_controls,
        workspaces,
    )

API_PREFIX = "/api"

# First path segment after /api -> the route modules (under portal.api.routes) serving it, in
# registration order. Two modules may share a segment (their paths differ below it).
ROUTE_MODULES: dict[str, tuple[str, ...]] = {
    "health": ("health",),
    "ready": ("health",),
    "me": ("me", "preferences", "me_budget", "me_usage", "profile"),
    "conversations": ("conversations", "messages", "turn_controls"),
    "messages": ("feedback",),
    "models": ("models",),
    # The admin console's modules: grants (per user, per department), MCP configs and their
    # connection test, users, model enablement, usage and cost, the activity log, budgets, cache
    # stats, feedback review.
    "admin": (
        "admin_grants",
        "admin_permissions",
        "admin_agents",
        "admin_mcp_test",
        "admin_users",
        "admin_models",
        "admin_usage",
        "admin_activity",
        "admin_budgets",
        "admin_cache",
        "admin_feedback",
        "admin_features",
    ),
    "workspaces": ("workspaces", "artifacts"),
    "directory": ("directory",),
    "files": ("files", "file_links"),
    "prompt-templates": ("prompt_templates",),
}
# Every route module, in the order they are registered when all are loaded.
ALL_ROUTE_MODULES: tuple[str, ...] = tuple(dict.fromkeys(m for ms in ROUTE_MODULES.values() for m in ms))


def modules_for(path: str) -> tuple[str, ...]:
    """The route modules a request path needs: none outside /api, all for a segment not in the table."""
    if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
        return ()
    segment = path[len(API_PREFIX) + 1 :].split("/", 1)[0]
    return ROUTE_MODULES.get(segment, ALL_ROUTE_MODULES)


class LazyRoutes:
    """Includes route modules into the app on demand, where eagerly included routers would be."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._loaded: set[str] = set()
        self._lock = threading.Lock()
        # Routes added after create_app (the local server's web UI catch-all) stay after the API's.
        self._anchor = len(app.router.routes)

    @property
    def loaded(self) -> frozenset[str]:
        return frozenset(self._loaded)

    def ensure(self, names: tuple[str, ...]) -> None:
        if self._loaded.issuperset(names):
            return
        with self._lock:
            for name in names:
                if name not in self._loaded:
                    self._include(name)

    def ensure_all(self) -> None:
        self.ensure(ALL_ROUTE_MODULES)

    def _include(self, name: str) -> None:
        module = importlib.import_module(f"portal.api.routes.{name}")
        routes = self._app.router.routes
        before = len(routes)
        # health is unauthenticated and read-only; every other route is signed in, and its
        # mutating calls are counted per user (portal.api.ratelimit).
        dependencies = [] if name == "health" else [Depends(rate_limited)]
        self._app.include_router(module.router, prefix=API_PREFIX, dependencies=dependencies)
        added = routes[before:]
        del routes[before:]
        routes[self._anchor : self._anchor] = added
        self._anchor += len(added)
        self._loaded.add(name)
        self._app.openapi_schema = None  # rebuilt with the new routes when next asked for


class _LoadRoutesFirst:
    """ASGI middleware: make sure the request's route modules are included before routing."""

    def __init__(self, app: ASGIApp, routes: LazyRoutes) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.routes.ensure(modules_for(str(scope.get("path", ""))))
        await self.app(scope, receive, send)


def create_app(*, load_routes: bool = False) -> FastAPI:
    """Build the app; routers are thin and call into portal's logic.

    load_routes=True includes every route module now (for code that inspects app.routes).
    """
    pydantic_v1_probe.skip_until_v1_loaded()  # 14-44 ms of the first request (see the module)
    settings = get_settings()
    # The interactive docs and the schema are for developers on the local target; in AWS they
    # would map every route for anyone (no auth), so they are not served at all.
    local = settings.is_local
    app = FastAPI(
        title="AI Portal API",
        version="0.1.0",
        docs_url=f"{API_PREFIX}/docs" if local else None,
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json" if local else None,
    )
    routes = LazyRoutes(app)
    app.state.routes = routes
    # Added first, so both run inside CORS: a refused body still carries the CORS headers, and a
    # preflight is answered without loading any route module.
    app.add_middleware(ShapeGuard)
    app.add_middleware(_LoadRoutesFirst, routes=routes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,  # bearer tokens, no cookies
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Correlation-Id"],
    )
    install_error_handlers(app)
    if load_routes:
        routes.ensure_all()
    return app
