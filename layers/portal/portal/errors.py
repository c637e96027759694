"""Typed domain errors. The API maps them to HTTP responses in one place (portal.api.errors)."""

from __future__ import annotations

from typing import Any


class PortalError(Exception):
    """Base of every error the portal reports to a caller."""

    status_code = 400
    code = "bad_request"
    # Seconds a client should wait before trying again (sent as the Retry-After header).
    retry_after: int | None = None
    # The request was carried out (something stored, a model perhaps called) though it answers
    # an error, e.g. a turn that failed while the caller waited for it: it still counts against
    # the caller's rate limit, which gives back only requests that were refused.
    accepted: bool = False

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(PortalError):
    status_code = 400
    code = "bad_request"


class Unauthorized(PortalError):
    status_code = 401
    code = "unauthorized"


class Forbidden(PortalError):
    status_code = 403
    code = "forbidden"


class NotFound(PortalError):
    status_code = 404
    code = "not_found"


class Conflict(PortalError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(PortalError):
    status_code = 413
    code = "payload_too_large"


class RateLimited(PortalError):
    status_code = 429
    code = "rate_limited"


class NotConfigured(PortalError):
    """A capability needs configuration this deployment does not have."""

    status_code = 503
    code = "not_configured"


class DatabaseUnavailable(PortalError):
    """The database did not answer in time (down, overloaded, throttled): try again shortly.

    Raised by both executors instead of their driver's errors, so every caller (REST, the
    WebSocket routes, workers) sees one type and the API answers 503 with Retry-After.
    """

    status_code = 503
    code = "database_unavailable"
    retry_after = 5

    def __init__(
        self,
        message: str = "데이터베이스에 일시적으로 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        **details: Any,
    ) -> None:
        super().__init__(message, **details)


class DatabaseResuming(DatabaseUnavailable):
    """Aurora is resuming from zero capacity and did not answer within this request's time."""

    status_code = 503
    code = "database_resuming"
    retry_after = 10

    def __init__(
        self, message: str = "데이터베이스를 깨우는 중입니다… 잠시 후 다시 시도해 주세요.", **details: Any
    ) -> None:
        super().__init__(message, **details)
