"""WebSocket API Lambda: $connect, $disconnect and $default."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer
    from portal.realtime.routes import handle


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)
