"""The REST API: one FastAPI app, served by Mangum in Lambda and by uvicorn locally."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from portal.api.errors import install_error_handlers
from portal.api.routes import (
    admin_agents,
    admin_permissions,
    artifacts,
    conversations,
    directory,
    files,
    health,
    me,
    messages,
    models,
    preferences,
    workspaces,
)
from portal.settings import get_settings

API_PREFIX = "/api"


def create_app() -> FastAPI:
    """Build the app; routers are thin and call into portal's logic."""
    settings = get_settings()
    app = FastAPI(
        title="AI Portal API",
        version="0.1.0",
        docs_url=f"{API_PREFIX}/docs",
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,  # bearer tokens, no cookies
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Correlation-Id"],
    )
    install_error_handlers(app)
    for module in (
        health,
        me,
        preferences,
        conversations,
        messages,
        models,
        admin_permissions,
        admin_agents,
        workspaces,
        directory,
        artifacts,
        files,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    return app
