"""Every error becomes one JSON shape, in one place: {"error": {"code", "message", ...}}."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.errors import PortalError
from portal.observability import logger


def error_body(code: str, message: str, **details: object) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **details}}


def _validation_message(exc: RequestValidationError) -> tuple[str, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return "malformed_json", "The request body is not valid JSON"
    parts = []
    for e in errors[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "invalid_request", "; ".join(parts) or "Invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and unexpected faults to JSON responses."""

    @app.exception_handler(PortalError)
    async def _portal_error(_: Request, exc: PortalError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
        retry_after = exc.retry_after
        if retry_after is None and isinstance(exc.details.get("retry_at"), int):
            # A limit that says when its window ends (the chat limit): tell the client how long.
            retry_after = max(1, exc.details["retry_at"] - int(time.time()))
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return JSONResponse(
            error_body(exc.code, exc.message, **exc.details),
            status_code=exc.status_code,
            headers=headers or None,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        code, message = _validation_message(exc)
        return JSONResponse(error_body(code, message), status_code=400 if code == "malformed_json" else 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A server fault: the caller gets a correlation id that is also in the structured log.
        correlation_id = request.headers.get("x-correlation-id") or str(uuid.uuid4())
        logger.exception(
            "unhandled error", extra={"correlation_id": correlation_id, "path": request.url.path}
        )
        return JSONResponse(
            error_body("internal_error", "Internal server error", correlation_id=correlation_id),
            status_code=500,
        )
