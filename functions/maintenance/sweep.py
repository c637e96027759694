"""Scheduled sweep: expired cache entries (DynamoDB TTL deletes late; readers already ignore them),
idle sockets whose sign-in token has expired (told `auth_expired`, then closed), and open turns
past their deadline (their sockets told `error`, the turn recorded failed).
"""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal import services
    from portal.agents.overdue import sweep
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer
    from portal.realtime.expiry import close_expired


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {
        "cache_entries_removed": services.cache().cleanup(force=True),
        "expired_sockets_closed": close_expired(),
        **sweep(),
    }
