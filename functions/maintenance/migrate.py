"""Applies pending SQL migrations (run by the deployment's trigger after the cluster exists)."""

from portal import services
from portal.db.migrate import apply_migrations
from portal.invocation import track_deadline
from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict, context: object) -> dict:
    return {"applied": apply_migrations(services.db())}
