"""Applies pending SQL migrations (run by the deployment's trigger after the cluster exists)."""

from portal import services
from portal.db.migrate import apply_migrations
from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: object) -> dict:
    return {"applied": apply_migrations(services.db())}
