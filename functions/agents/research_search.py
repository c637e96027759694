"""Research machine, Search map item: web search, pages read and the user's files for one query."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal.agents.research.gather import search_step
    from portal.budgets.scope import spends_for_turn
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="turn_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
@spends_for_turn("deep_research")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return search_step(event)
