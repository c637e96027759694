"""The turn's first check, in the API: a user whose budget is used up is refused before anything is stored.

The only record of a refused attempt is its activity row (``budget_refused``): no message,
no turn, no model call. A budget is refused here when it is used up or when what is left
cannot pay for the turn's answer call (``portal.budgets.estimate.turn_floor_usd``). Turns that pass here are still checked before each model call
(``portal.llm.metered``): concurrent turns can pass this read together, the reservation
cannot be passed together.
"""

from __future__ import annotations

from portal.budgets import ledger
from portal.budgets.errors import BudgetExceeded
from portal.budgets.estimate import turn_floor_usd
from portal.db.executor import Executor
from portal.db.repositories import activity
from portal.db.repositories.users import User
from portal.llm.catalog import CatalogModel, load_catalog
from portal.observability import MetricName, logger, metrics

REFUSED_ACTION = "budget_refused"


def admit(db: Executor, *, user: User, conversation_id: str, question: str) -> list[ledger.Standing]:
    """The user's standings when the turn may start; BudgetExceeded (recorded) otherwise.

    Refused: a used-up budget, or one whose remainder is under the least the turn's answer
    call will reserve (``estimate.turn_floor_usd``, over the models this deployment may use).
    """
    floor = turn_floor_usd(question, answering_models())
    try:
        return ledger.refuse_if_exceeded(db, empno=user.empno, department=user.department, floor_usd=floor)
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


def answering_models() -> list[CatalogModel]:
    """The priced models that may answer here: a configured provider's, allowed by the admin."""
    from portal.llm import enablement
    from portal.llm.service import configured_providers

    providers = configured_providers()
    priced = [m for m in load_catalog().models if not m.is_offline and m.provider in providers]
    return enablement.current().filter(priced)
