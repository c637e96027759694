"""The REST API: one FastAPI app, served by Mangum in Lambda and by uvicorn locally."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from portal.api.errors import install_error_handlers
from portal.api.ratelimit import rate_limited
from portal.api.routes import (
    admin_agents,
    admin_permissions,
    artifacts,
    conversations,
    files,
    health,
    me,
    messages,
    models,
    preferences,
    workspaces,
)
from portal.api.shape_guard import ShapeGuard
from portal.settings import get_settings

API_PREFIX = "/api"


def create_app() -> FastAPI:
    """Build the app; routers are thin and call into portal's logic."""
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
    # Added first, so it sits inside CORS: a refused body still carries the CORS headers.
    app.add_middleware(ShapeGuard)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,  # bearer tokens, no cookies
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Correlation-Id"],
    )
    install_error_handlers(app)
    app.include_router(health.router, prefix=API_PREFIX)  # unauthenticated, read-only
    # Every other route: signed in, and its mutating calls counted per user (portal.api.ratelimit).
    for module in (
        me,
        preferences,
        conversations,
        messages,
        models,
        admin_permissions,
        admin_agents,
        workspaces,
        artifacts,
        files,
    ):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(rate_limited)])
    return app
