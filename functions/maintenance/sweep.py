"""Scheduled sweep: expired cache entries (DynamoDB TTL deletes late; readers already ignore them)."""

from portal import services
from portal.invocation import track_deadline
from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict, context: object) -> dict:
    return {"cache_entries_removed": services.cache().cleanup(force=True)}
