"""Applies pending SQL migrations (run by the deployment's trigger after the cluster exists)."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal import services
    from portal.db.app_role import sync_app_role
    from portal.db.migrate import apply_migrations
    from portal.invocation import track_deadline
    from portal.observability import logger, metrics, tracer
    from portal.settings import get_settings


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@track_deadline
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    applied = apply_migrations(services.db())
    # Every other function runs as the app role: it must be able to log in before they start.
    app_secret = get_settings().db_app_secret_arn
    app_role = sync_app_role(services.db(), app_secret) if app_secret else None
    return {"applied": applied, "app_role": app_role}
