"""The REST API: every path to the FastAPI function, with stage throttling and access logs."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw
from constructs import Construct

from infra.components.defaults import log_group
from infra.components.portal_function import PortalFunction
from infra.components.websocket_api import access_log_format
from infra.config import PortalConfig
from infra.nag import suppress


class PortalRestApi(Construct):
    """A Lambda proxy API: FastAPI routes, validates and authenticates; API Gateway meters."""

    def __init__(self, scope: Construct, id: str, *, handler: PortalFunction, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.log_group = log_group(self, "AccessLogs", config)
        self.api = apigw.LambdaRestApi(
            self,
            "Api",
            rest_api_name=f"portal-{config.stage}-api",
            description="ai-portal REST API (FastAPI behind Mangum)",
            handler=handler.function,
            proxy=True,
            # CloudFront sits in front; an edge-optimized API would add a second distribution.
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account's logging role is set once by the Realtime stack (ApiGatewayAccountLogging).
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name=config.stage,
                throttling_rate_limit=config.api_throttle_rate,
                throttling_burst_limit=config.api_throttle_burst,
                access_log_destination=apigw.LogGroupLogDestination(self.log_group),
                access_log_format=access_log_format(),
                # Errors only: INFO execution logs cost per request and repeat the access log.
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                tracing_enabled=True,
                metrics_enabled=False,  # per-method metrics are custom metrics ($0.30 each)
            ),
        )
        suppress(
            self.api,
            "AwsSolutions-APIG2",
            "Requests are validated by FastAPI's pydantic models (422 with field errors); an API "
            "Gateway validator cannot see the routes behind the {proxy+} resource.",
        )
        suppress(
            self.api,
            "AwsSolutions-APIG4",
            "The FastAPI app authenticates every route that touches user data with the portal's token "
            "dependency (RS256 from the configured issuer's JWKS, audience checked); a gateway "
            "authorizer would repeat it and could not run on the local target.",
        )
        suppress(
            self.api,
            "AwsSolutions-COG4",
            "The function verifies the Cognito ID token itself (issuer, audience, expiry, token_use) "
            "with the code the local target runs too, and a deployer may use another OIDC issuer "
            "instead of Cognito, where a Cognito authorizer could not apply.",
        )
        suppress(
            self.api,
            "AwsSolutions-APIG3",
            "AWS WAF costs $5/month per web ACL plus $1 per rule even when idle; stage throttling "
            "and per-user rate limits in the app cover abuse. Attach a web ACL to the stage if required.",
        )

    @property
    def url(self) -> str:
        return self.api.url
