"""An admin's MCP connection test, invoked by the API (which carries no MCP SDK): connect to the
configuration's servers and list their tools (portal.agents.mcp.probe)."""

from typing import Any

from portal.startup import handler_imports

# Everything imported and built here lives as long as the container (portal/startup.py).
with handler_imports():
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from portal.agents.mcp.probe import handle
    from portal.observability import logger, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)
