"""Step Functions Catch: marks the turn failed and tells the user's sockets."""

from portal.agents.failure import handle_failure
from portal.invocation import track_deadline
from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="turn_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict, context: object) -> dict:
    return handle_failure(event)
