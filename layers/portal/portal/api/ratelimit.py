"""Per-user rate limits for every mutating REST route, by route family (the seed's limits).

Families: ``chat`` (every route that starts a chat turn, i.e. a model call: posting a message,
regenerating an answer, editing and resending a question), ``upload`` (starting a file upload)
and ``default`` (every other POST, PUT, PATCH and DELETE). Reads are not limited. Counters are
DynamoDB items updated atomically (portal.cache.ratelimit), so every Lambda sees one count.

Only accepted requests count: the call is reserved before the route runs and given back when
the route fails (any error response: every route reports one by raising, and the exception
passes through this dependency on its way to the error handlers), so a 500 or a refused body
never uses up the hour. An error that reports a request carried out (``PortalError.accepted``:
a turn stored and run, then failed while the caller waited with ``?wait=true``) keeps its
count. Reserve-then-refund is the honest choice under concurrency:

* never more than ``limit`` accepted calls per user, family and window — the reservation is
  DynamoDB's conditional ADD, so no number of concurrent Lambdas can push past it (counting
  only after success could: N requests checked at ``limit - 1`` would all pass);
* the price is on the user's side and bounded: a call holds its slot until it ends, so at any
  moment the count overstates the accepted calls by at most the user's own calls in flight in
  that family, and only while they run (a concurrent call may meet an early 429 then); a
  refund that cannot be written (DynamoDB unreachable, the Lambda killed by its timeout)
  costs the user that one call until the window ends, never more.

The seed names no exemption, so administrators are limited like everyone.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Literal

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from portal import services
from portal.api.deps import CurrentUser
from portal.errors import RateLimited
from portal.settings import Settings, get_settings

if TYPE_CHECKING:
    from portal.cache.ratelimit import RateDecision

Family = Literal["default", "chat", "upload"]
WINDOW_SECONDS = 3600
_MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# (method, route template as its router declares it, without /api) -> family; anything else
# mutating is "default".
_FAMILIES: dict[tuple[str, str], Family] = {
    ("POST", "/conversations/{conversation_id}/messages"): "chat",
    # Regenerate and edit start a turn exactly like a new message (portal.api.routes.turn_controls):
    # counted as "default", a user's model calls could pass the chat limit by the default's.
    ("POST", "/conversations/{conversation_id}/turns/{turn_id}/regenerate"): "chat",
    ("POST", "/conversations/{conversation_id}/turns/{turn_id}/edit"): "chat",
    ("POST", "/files"): "upload",
}
_FAMILY_NAMES: dict[Family, str] = {"default": "요청", "chat": "채팅 메시지", "upload": "파일 업로드"}


def family_of(method: str, route_path: str) -> Family | None:
    """The route family a request counts against (None: not limited)."""
    if method not in _MUTATING:
        return None
    return _FAMILIES.get((method, route_path), "default")


def limit_of(family: Family, settings: Settings) -> int:
    return {
        "default": settings.rate_limit_per_hour,
        "chat": settings.chat_rate_limit_per_hour,
        "upload": settings.upload_rate_limit_per_hour,
    }[family]


async def rate_limited(request: Request, user: CurrentUser) -> AsyncIterator[None]:
    """Reserve one call of the caller's family before the route, give it back if the route fails."""
    # A coroutine, not a sync generator: FastAPI runs a sync one's entry and exit each in a
    # worker thread, so every request (reads too) paid two thread hops here, one of them after
    # the response; now only the counter's writes run in the threadpool (#14).
    route = request.scope.get("route")
    family = family_of(request.method, str(getattr(route, "path", "")))
    if family is None:
        yield
        return
    limit = limit_of(family, get_settings())
    decision = await run_in_threadpool(_reserve, family, user.empno, limit)
    if not decision.allowed:
        wait = max(1, math.ceil(decision.reset_at - time.time()))
        refused = RateLimited(
            f"{_FAMILY_NAMES[family]} 한도(시간당 {limit}회)를 넘었습니다. "
            f"{math.ceil(wait / 60)}분 후에 다시 시도해 주세요.",
            family=family,
            limit=limit,
            retry_at=int(decision.reset_at),
        )
        refused.retry_after = wait
        raise refused
    try:
        yield
    except BaseException as exc:
        if not getattr(exc, "accepted", False):  # refused, not carried out: give the call back
            await run_in_threadpool(services.rate_limiter().release, decision)
        raise


def _reserve(family: Family, empno: str, limit: int) -> RateDecision:
    # "api-" keeps these counters apart from older per-feature buckets with other rules.
    return services.rate_limiter().hit(f"api-{family}", empno, limit, WINDOW_SECONDS)
