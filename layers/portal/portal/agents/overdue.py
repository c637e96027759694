"""A chat turn whose workflow ended without an answer is marked failed once its deadline passes.

An Express execution stopped at its 5-minute cap runs no Catch, and Express workflows send
no "Execution Status Change" events to EventBridge (only Standard workflows do), so nothing
in AWS reports it. The chat machine's timeouts add up to less than the cap (checked at
synth), so this is the fallback for what still slips through: a Lambda killed without an
error reaching Step Functions, a failure handler that failed. Whoever looks at the turn
after its deadline (a socket's `resume`, which the UI repeats for a silent turn; a REST
listing of the conversation) repairs it, and the scheduled sweep repairs the open turns
nobody looks at (``sweep``), all with ``portal.agents.completion.fail_turn``.

The bound: a turn's sockets hear `done` or `error` within the chat machine's worst case
(284 s, checked at synth) when any Catch runs; otherwise within TURN_DEADLINE (330 s) of the
question when a screen is watching it, and at most TURN_DEADLINE + the sweep's period (5 min)
when none is. The stored answer converges at the same time, or at the next sweep after the
database answers again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.agents import open_turns
from portal.agents.completion import fail_turn
from portal.agents.failure import handle_failure
from portal.agents.open_turns import TURN_DEADLINE
from portal.agents.turn import TurnInput, TurnOptions
from portal.db.executor import Executor
from portal.db.repositories import conversations
from portal.db.repositories.messages import Message
from portal.observability import MetricName, logger, metrics

TIMED_OUT = {"Error": "States.Timeout", "Cause": "The turn passed its deadline without an answer"}


def is_overdue(*, asked_at: datetime, answer: Message | None, now: datetime) -> bool:
    """A turn with no stored answer after its deadline will never get one.

    Any stored answer counts: deep research stores a "streaming" placeholder before its
    Standard execution (which has its own Catch) writes the report, minutes later.
    """
    return answer is None and now > asked_at + TURN_DEADLINE


def repair_if_overdue(
    db: Executor, question: Message, answer: Message | None, *, now: datetime | None = None
) -> bool:
    """Mark an overdue turn failed and tell its sockets; True when it was overdue."""
    if not is_overdue(asked_at=question.created_at, answer=answer, now=now or datetime.now(UTC)):
        return False
    turn = _turn_input(db, question)
    logger.warning("turn overdue: marking it failed", extra={"turn_id": turn.turn_id})
    metrics.add_metric(name=MetricName.TURN_OVERDUE, unit="Count", value=1)
    handle_failure({**turn.model_dump(), "error": TIMED_OUT})
    return True


def repair_overdue_in(db: Executor, items: list[Message], *, now: datetime | None = None) -> bool:
    """Repair every overdue unanswered question in a conversation's messages; True when any was.

    The web UI re-reads a conversation over REST when a turn goes quiet, so an open socket
    whose turn's execution died learns of it here, not only after a reconnect's `resume`.
    """
    answered = {m.turn_id for m in items if m.role == "assistant"}
    unanswered = [m for m in items if m.role == "user" and m.turn_id and m.turn_id not in answered]
    return any([repair_if_overdue(db, question, None, now=now) for question in unanswered])


def _turn_input(db: Executor, question: Message) -> TurnInput:
    """The turn's state machine input, rebuilt from its stored question (what the API sent)."""
    conversation = conversations.get(db, conversation_id=question.conversation_id)
    if conversation is None or question.turn_id is None:
        raise ValueError(f"message {question.id} is not the question of a stored turn")
    options: dict[str, Any] = question.metadata.get("options") or {}
    return TurnInput(
        turn_id=question.turn_id,
        conversation_id=conversation.id,
        message_id=question.id,
        empno=conversation.user_empno,
        workspace_id=conversation.workspace_id,
        options=TurnOptions.model_validate(options),
    )


def sweep(*, now: float | None = None) -> dict[str, int]:
    """End every open turn past its deadline: tell its sockets, record it failed (scheduled)."""
    failed = unrecorded = 0
    for turn in open_turns.overdue(now=now):
        metrics.add_metric(name=MetricName.TURN_OVERDUE, unit="Count", value=1)
        try:
            outcome = fail_turn(turn, reason=f"{TIMED_OUT['Error']}: {TIMED_OUT['Cause']}")
        except Exception:
            logger.exception("overdue turn not repaired", extra={"turn_id": turn.turn_id})
            unrecorded += 1
            continue
        failed += outcome.status not in ("already_completed", "already_stopped")
    if failed or unrecorded:
        logger.warning("overdue turns swept", extra={"failed": failed, "unrecorded": unrecorded})
    return {"overdue_turns_failed": failed, "overdue_turns_unrecorded": unrecorded}
