"""The turn's first check, in the API: a user whose budget is used up is refused before anything is stored.

The only record of a refused attempt is its activity row (``budget_refused``): no message,
no turn, no model call. Turns that pass here are still checked before each model call
(``portal.llm.metered``): concurrent turns can pass this read together, the reservation
cannot be passed together.
"""

from __future__ import annotations

from portal.budgets import ledger
from portal.budgets.errors import BudgetExceeded
from portal.db.executor import Executor
from portal.db.repositories import activity
from portal.db.repositories.users import User
from portal.observability import MetricName, logger, metrics

REFUSED_ACTION = "budget_refused"


def admit(db: Executor, *, user: User, conversation_id: str) -> list[ledger.Standing]:
    """The user's standings when the turn may start; BudgetExceeded (recorded) otherwise."""
    try:
        return ledger.refuse_if_exceeded(db, empno=user.empno, department=user.department)
    except BudgetExceeded as exc:
        activity.record(
            db,
            empno=user.empno,
            action=REFUSED_ACTION,
            resource_type="conversation",
            resource_id=conversation_id,
            metadata={"code": exc.code, **exc.details},
        )
        metrics.add_metric(name=MetricName.BUDGET_REFUSED, unit="Count", value=1)
        logger.info("turn refused: budget used up", extra={"empno": user.empno, **exc.details})
        raise
