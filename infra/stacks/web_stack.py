"""Web: the UI on S3 + CloudFront, /api/* to the REST API, and config.json with the endpoints."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Stack
from constructs import Construct

from infra.components.identity import CognitoSignIn, SignIn, WebClientUrls
from infra.components.log_bucket import AccessLogsBucket
from infra.components.uploads_bucket import UploadsCors
from infra.components.web_site import API_PREFIX, WebSite
from infra.config import PortalConfig
from infra.stacks.api_stack import ApiStack
from infra.stacks.data_stack import DataStack
from infra.stacks.realtime_stack import RealtimeStack


class WebStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        api: ApiStack,
        data: DataStack,
        realtime: RealtimeStack,
        sign_in: SignIn,
        cognito: CognitoSignIn | None,
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
            # The UI's OIDC client: Cognito's managed login or the deployer's issuer.
            "auth": sign_in.web_config(),
        }
        self.site = WebSite(
            self,
            "Site",
            rest_api=api.rest_api.api,
            runtime_config=runtime_config,
            access_logs=access_logs.bucket,
            config=config,
        )
        # Only the portal's own pages may use presigned uploads (no "*" before the URL is known).
        UploadsCors(
            self,
            "UploadsCors",
            bucket=data.uploads.bucket,
            origins=[self.site.url, *(o.rstrip("/") for o in config.allowed_origins)],
        )
        if cognito is not None:
            # Only now is the site's URL known: the web client's callback and logout URLs follow it.
            WebClientUrls(self, "WebClientUrls", cognito_sign_in=cognito, site_url=self.site.url)
        CfnOutput(self, "PortalUrl", value=self.site.url)
        CfnOutput(
            self,
            "SignInCallbackUrl",
            value=f"{self.site.url}/",
            description="The redirect URI of the web client (register it at your IdP when oidc_issuer is set)",
        )
        CfnOutput(self, "WebBucketName", value=self.site.bucket.bucket_name)
        CfnOutput(self, "DistributionId", value=self.site.distribution.distribution_id)
