"""WebSocket API Lambda: $connect, $disconnect and $default."""

from aws_lambda_powertools.logging import correlation_paths
from portal.invocation import track_deadline
from portal.observability import logger, metrics, tracer
from portal.realtime.routes import handle


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict, context: object) -> dict:
    return handle(event)
