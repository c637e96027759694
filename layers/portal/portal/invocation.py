"""How long the current Lambda invocation has left, for code that waits (retries, polling).

Handlers are wrapped with `track_deadline`; code that would wait asks `remaining_seconds()`
so it gives up in time to answer, instead of being killed by Lambda mid-wait.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

_deadline: ContextVar[float | None] = ContextVar("portal_lambda_deadline", default=None)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def remaining_seconds() -> float | None:
    """Seconds this invocation has left, or None outside Lambda (CLI, local server, tests)."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def track_deadline(handler: Handler) -> Handler:
    """Record the invocation's deadline from Lambda's context for the handler's duration."""

    @functools.wraps(handler)
    def wrapper(event: Any, context: Any) -> Any:
        remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
        deadline = time.monotonic() + remaining_ms() / 1000 if callable(remaining_ms) else None
        token = _deadline.set(deadline)
        try:
            return handler(event, context)
        finally:
            _deadline.reset(token)

    return wrapper  # type: ignore[return-value]
