"""Runs one worker for one turn: stream the answer, store it once, announce it.

Express workflows run at least once, so a turn whose answer is already stored is not
answered again: the stored answer is announced and returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal import services
from portal.agents import profile
from portal.agents.completion import FinalAnswer, complete_turn, ended_answer, store_stopped, was_stopped
from portal.agents.turn import RouteDecision, TurnInput, WorkerResult
from portal.agents.turn_stream import open_stream, recipients
from portal.agents.user_context import UserContext, load_user_context
from portal.budgets import notify as budget_notify
from portal.db.executor import Executor
from portal.db.repositories import conversations, messages
from portal.db.repositories.conversations import Conversation
from portal.db.repositories.messages import Message
from portal.errors import NotFound
from portal.observability import MetricName, emit_model_usage, emit_turn, logger, metrics
from portal.realtime.stream import TurnClosed, TurnStream
from portal.settings import Settings, get_settings


@dataclass
class WorkerContext:
    """Everything a worker needs to answer a turn."""

    turn: TurnInput
    route: RouteDecision
    conversation: Conversation
    question: Message
    history: list[Message]
    db: Executor
    settings: Settings
    user: UserContext  # read once for the turn; workers and graphs take it from here


@dataclass
class Answer:
    """What a worker produced (the runner stores and announces it)."""

    text: str
    model: str | None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)
    side_calls: list[dict[str, Any]] = field(default_factory=list)  # e.g. summarising memory


Worker = Callable[[WorkerContext, TurnStream], Answer]


def run_worker(event: dict[str, Any], worker: Worker) -> dict[str, Any]:
    """Answer the turn described by the state machine's input with `worker`."""
    turn = TurnInput.model_validate(event)
    route = RouteDecision.model_validate(event["route"])
    settings, db = get_settings(), services.db()
    stream = open_stream(turn)

    if (stored := ended_answer(db, stream)) is not None:
        return WorkerResult(
            message_id=stored.id, agent=route.agent, model=stored.model_used, status=stored.status
        ).model_dump()

    conversation = conversations.get(db, conversation_id=turn.conversation_id)
    question = messages.get_turn_message(db, turn_id=turn.turn_id, role="user")
    if conversation is None or question is None:
        raise NotFound(f"Turn {turn.turn_id} refers to a conversation or message that no longer exists")
    history = messages.recent(
        db, conversation_id=turn.conversation_id, limit=settings.context_messages, before_turn=turn.turn_id
    )
    user = load_user_context(db, empno=turn.empno)
    ctx = WorkerContext(turn, route, conversation, question, history, db, settings, user)

    started = time.monotonic()
    try:
        answer = worker(ctx, stream)
    except TurnClosed as closed:
        if not was_stopped(stream):
            raise  # deleted conversation, failure handler: theirs to record
        return _stopped(db, stream, turn, route, closed.partial)
    elapsed = round(time.monotonic() - started, 3)
    # Every model call of the turn is paid for: the answer, and the intent call and
    # memory summary that helped it; the message carries their sum and the breakdown.
    calls = [*route.calls, *answer.side_calls]
    input_tokens = answer.input_tokens + sum(int(c["input_tokens"]) for c in calls)
    output_tokens = answer.output_tokens + sum(int(c["output_tokens"]) for c in calls)
    cost = round(answer.cost_usd + sum(float(c["cost_usd"]) for c in calls), 6)
    if calls:
        answer.metadata["calls"] = [
            *calls,
            {
                "purpose": "answer",
                "model": answer.model,
                "input_tokens": answer.input_tokens,
                "output_tokens": answer.output_tokens,
                "cost_usd": answer.cost_usd,
            },
        ]
    final = FinalAnswer(
        content=answer.text,
        agent=route.agent,
        model=answer.model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost,
        processing_time=elapsed,
        metadata={"route": route.model_dump(exclude_none=True, exclude={"calls"}), **answer.metadata},
    )
    saved = complete_turn(db, stream, turn, final)
    budget_notify.announce_warning(lambda: recipients(turn))  # the soft warning (budget_warning), if crossed
    if saved.status == "stopped":
        # Stopped after the worker's last look at the stream: the whole answer was generated.
        _charge_stopped(
            db,
            turn,
            route,
            answer.model,
            answer.input_tokens,
            answer.output_tokens,
            answer.cost_usd,
            estimated=False,
        )
        return WorkerResult(
            message_id=saved.id, agent=route.agent, model=answer.model, status="stopped"
        ).model_dump()
    profile.record_turn(
        db,
        empno=turn.empno,
        turn_id=turn.turn_id,
        question=question.content,
        agent=route.agent,
        model=answer.model,
        collect=user.profile_collection,
    )
    _record_metrics(route.agent, answer, calls, elapsed)
    logger.info("turn answered", extra={"message_id": saved.id, "model": answer.model, "seconds": elapsed})
    return WorkerResult(message_id=saved.id, agent=route.agent, model=answer.model).model_dump()


def _stopped(
    db: Executor, stream: TurnStream, turn: TurnInput, route: RouteDecision, partial: Any
) -> dict[str, Any]:
    """The user stopped the turn mid-stream: keep the stopped answer and charge what was generated."""
    saved = store_stopped(db, stream, turn, agent=route.agent)
    model = partial.model.key if partial is not None else None
    if partial is not None:
        _charge_stopped(
            db, turn, route, model, partial.usage.input_tokens, partial.usage.output_tokens, partial.cost_usd
        )
    else:
        _charge_stopped(db, turn, route, None, 0, 0, 0.0)  # stopped before the model was called
    logger.info("turn stopped by the user", extra={"message_id": saved.id, "model": model})
    return WorkerResult(message_id=saved.id, agent=route.agent, model=model, status="stopped").model_dump()


def _charge_stopped(
    db: Executor,
    turn: TurnInput,
    route: RouteDecision,
    model: str | None,
    input_tokens: int,
    output_tokens: int,
    cost: float,
    *,
    estimated: bool = True,
) -> None:
    """Record on the stopped answer what its model calls cost (the routing calls included)."""
    calls = route.calls
    recorded = messages.record_stopped_usage(
        db,
        turn_id=turn.turn_id,
        agent_type=route.agent,
        model_used=model,
        input_tokens=input_tokens + sum(int(c["input_tokens"]) for c in calls),
        output_tokens=output_tokens + sum(int(c["output_tokens"]) for c in calls),
        cost_usd=round(cost + sum(float(c["cost_usd"]) for c in calls), 6),
        usage={
            "estimated": estimated,
            "answer_input_tokens": input_tokens,
            "answer_output_tokens": output_tokens,
        },
    )
    if recorded and model:
        emit_model_usage(
            model, agent=route.agent, input_tokens=input_tokens, output_tokens=output_tokens, cost_usd=cost
        )


def _record_metrics(agent: str, answer: Answer, side_calls: list[dict[str, Any]], seconds: float) -> None:
    """Tokens and cost per call, and the turn with its latency, each by agent and model."""
    metrics.add_metric(name=MetricName.TURN_COMPLETED, unit="Count", value=1)
    for call in side_calls:
        emit_model_usage(
            str(call["model"]),
            agent=agent,
            input_tokens=int(call["input_tokens"]),
            output_tokens=int(call["output_tokens"]),
            cost_usd=float(call["cost_usd"]),
        )
    emit_model_usage(
        answer.model or "none",
        agent=agent,
        input_tokens=answer.input_tokens,
        output_tokens=answer.output_tokens,
        cost_usd=answer.cost_usd,
    )
    emit_turn(agent, answer.model or "none", failed=False, latency_ms=round(seconds * 1000, 1))
