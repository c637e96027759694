"""REST API Lambda: the FastAPI app from portal.api behind Mangum."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mangum import Mangum
    from portal.api.app import create_app
    from portal.cache import warm
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer

    _mangum = Mangum(create_app(), lifespan="off")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    warm.on_invocation()  # warm L1 at the cold start; the L1 size as a metric
    # Mangum types its own context protocol; Powertools' LambdaContext is the same object at run time
    return _mangum(event, context)  # type: ignore[arg-type]
