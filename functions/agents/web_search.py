"""Step Functions task: the web_search worker answers a turn from web search results."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal.agents.runner import run_worker
    from portal.agents.workers.web_search import answer
    from portal.budgets.scope import spends_for_turn
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="turn_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
@spends_for_turn("web_search")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return run_worker(event, answer)
