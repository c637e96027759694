"""Web: the UI on S3 + CloudFront, /api/* to the REST API, and config.json with the endpoints."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Stack
from constructs import Construct

from infra.components.log_bucket import AccessLogsBucket
from infra.components.web_site import API_PREFIX, WebSite
from infra.config import PortalConfig
from infra.stacks.api_stack import ApiStack
from infra.stacks.realtime_stack import RealtimeStack


class WebStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        api: ApiStack,
        realtime: RealtimeStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        access_logs = AccessLogsBucket(self, "AccessLogs", config=config, for_cloudfront=True)
        runtime_config = {
            # The keys web/src reads. Same origin through CloudFront: no CORS, one domain.
            "apiBase": API_PREFIX,
            "wsUrl": realtime.web_socket.url,
            "local": False,
            "restApiUrl": api.rest_api.url,
            "stage": config.stage,
            "region": Aws.REGION,
            "oidcIssuer": config.oidc_issuer or "",
        }
        self.site = WebSite(
            self,
            "Site",
            rest_api=api.rest_api.api,
            runtime_config=runtime_config,
            access_logs=access_logs.bucket,
            config=config,
        )
        CfnOutput(self, "PortalUrl", value=self.site.url)
        CfnOutput(self, "WebBucketName", value=self.site.bucket.bucket_name)
        CfnOutput(self, "DistributionId", value=self.site.distribution.distribution_id)
