"""`?wait=true`: wait for a turn's stored answer, within what API Gateway lets the API take.

API Gateway ends a REST integration at 29 s. The API waits at most WAIT_LIMIT_SECONDS (and
never past its own Lambda's remaining time); a turn not answered by then is answered 202
with its turn id, and the client follows the WebSocket (or reads the conversation's
messages) as for any turn. Locally the same limit applies, so both targets behave alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from portal.db.executor import Executor
from portal.db.repositories import messages
from portal.db.repositories.messages import Message
from portal.invocation import remaining_seconds

WAIT_LIMIT_SECONDS = 25.0
# Keep this much of the API Lambda's time for the answer itself.
RESERVED_SECONDS = 2.0


def wait_budget(remaining: float | None) -> float:
    """How long ?wait=true may wait, given the Lambda's remaining time (None outside Lambda)."""
    if remaining is None:
        return WAIT_LIMIT_SECONDS
    return max(0.0, min(WAIT_LIMIT_SECONDS, remaining - RESERVED_SECONDS))


def wait_for_answer(
    db: Executor,
    *,
    turn_id: str,
    budget: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Message | None:
    """The turn's stored answer (any status) once there is one, or None when the budget runs out."""
    deadline = clock() + (wait_budget(remaining_seconds()) if budget is None else budget)
    delay = 0.1
    while True:
        answer = messages.get_turn_message(db, turn_id=turn_id, role="assistant")
        if answer is not None or clock() + delay > deadline:
            return answer
        sleep(delay)
        delay = min(delay * 1.5, 1.0)
