"""The failure handler: a state machine's Catch, or EventBridge saying a Standard execution ended
badly (timed out, aborted). Either way the turn is marked failed and the user's sockets told."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal.agents.execution_ended import handle_execution_ended, is_status_change
    from portal.agents.failure import handle_failure
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="turn_id")
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_status_change(event):
        return handle_execution_ended(event)
    return handle_failure(event)
