"""S3 ObjectCreated (uploads/) -> extract, chunk, embed, index the uploaded file (idempotent)."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer
    from portal.rag.events import handle_s3_event


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_s3_event(event, context)
