"""REST API Lambda: the FastAPI app from portal.api behind Mangum."""

from aws_lambda_powertools.logging import correlation_paths
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
def handler(event: dict, context: object) -> dict:
    warm.on_invocation()  # warm L1 at the cold start; the L1 size as a metric
    return _mangum(event, context)
