"""The budget guard on the model call chain: reserve the estimate, call, settle to the actual cost.

Every model call goes through ``metered`` (``base.collect``, ``service.stream_answer`` and the
MCP tool loop call it instead of ``provider.stream``). Inside a turn (``portal.budgets.scope``)
it reserves the call's estimated cost on the user's and the department's monthly counters
BEFORE the provider sees the request and raises ``BudgetExceeded`` when either budget cannot
cover it; when the call ends it settles to what the provider reported. Outside a turn, and
for free models (offline), calls pass straight through.
"""

from __future__ import annotations

from collections.abc import Iterator

from portal.budgets import ledger
from portal.budgets import scope as budget_scope
from portal.budgets.errors import BudgetExceeded
from portal.budgets.estimate import estimate_cost_usd, model_for
from portal.llm.base import ChatModel, Completed, ModelRequest, StreamEvent, TextDelta, Usage
from portal.llm.catalog import CatalogModel, cost_usd
from portal.observability import MetricName, logger, metrics

# Stored call costs are rounded so (messages.metadata.calls); the counter adds the same figure,
# so a turn's stored cost and what its calls added to the counter are equal to the cent and below.
COST_DIGITS = 6


def interrupted_usage(request: ModelRequest, text: str) -> Usage:
    """The usage of a stream cut short (the user pressed stop): estimated from what was sent and
    the text generated so far. The stopped answer's stored cost (service.interrupted_answer) and
    what the budget counter takes are computed here alike, so the two agree."""
    from portal.llm.model_choice import estimate_tokens

    sent = request.system + "".join(m.content for m in request.messages)
    return Usage(input_tokens=estimate_tokens(sent), output_tokens=estimate_tokens(text))


def _department_of(empno: str) -> str | None:
    from portal import services
    from portal.db.repositories import users

    user = users.get(services.db(), empno=empno)
    return user.department if user else None


def metered(
    provider: ChatModel, request: ModelRequest, model: CatalogModel | None = None
) -> Iterator[StreamEvent]:
    """``provider.stream(request)``, paid for from the current turn's budget (if any)."""
    scope = budget_scope.current()
    if scope is None:
        yield from provider.stream(request)
        return
    spec = model or model_for(request.model_id)
    estimate = round(estimate_cost_usd(spec, request), COST_DIGITS)
    if estimate <= 0:  # a free model: nothing to reserve or count
        yield from provider.stream(request)
        return
    from portal import services

    db = services.db()
    try:
        reservation = ledger.reserve(
            db, empno=scope.empno, department=scope.department(_department_of), amount_usd=estimate
        )
    except BudgetExceeded:
        metrics.add_metric(name=MetricName.BUDGET_REFUSED, unit="Count", value=1)
        logger.info("model call refused: budget", extra={"estimate_usd": estimate, "agent": scope.agent})
        raise
    scope.warnings.extend(s for s in reservation.standings if s.state != "ok")
    actual = 0.0
    completed = False
    text: list[str] = []
    try:
        for event in provider.stream(request):
            if isinstance(event, Completed):
                actual = round(cost_usd(spec, event.usage), COST_DIGITS)
                completed = True
            elif isinstance(event, TextDelta):
                text.append(event.text)
            yield event
    finally:
        # A call cut short after it produced text (stop, or a provider failing mid-stream) is
        # charged its estimated usage, like the stopped answer records it; a call that failed
        # before producing anything reported no usage and is counted as free.
        if not completed and text:
            actual = round(cost_usd(spec, interrupted_usage(request, "".join(text))), COST_DIGITS)
        try:
            ledger.settle(db, reservation, actual_usd=actual)
            scope.spent_usd += actual
        except Exception:
            # The reservation stays on the counter: the budget errs towards refusing.
            logger.exception("budget settle failed", extra={"reserved_usd": estimate, "actual_usd": actual})
