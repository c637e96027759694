"""The web UI: a private bucket behind CloudFront (OAC), /api/* to the REST API, and config.json."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.config import PortalConfig
from infra.functions import REPO_ROOT
from infra.nag import suppress

PLACEHOLDER = Path(__file__).resolve().parents[1] / "web_placeholder"
API_PREFIX = "/api"
RUNTIME_CONFIG = "config.json"

# Viewer-request function on the UI's behaviour: client-side routes (no file extension) go
# to the single-page app. /api/* keeps its prefix: the FastAPI app serves under /api
# everywhere (locally, through API Gateway directly, and through CloudFront).
ROUTER_CODE = """
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""


def web_assets(config: PortalConfig) -> Path:
    """The built UI if there is one, else a placeholder page (synth must not need npm)."""
    dist = REPO_ROOT / config.web_dist
    return dist if (dist / "index.html").is_file() else PLACEHOLDER


class WebSite(Construct):
    """One distribution serves the UI and proxies the API, so the browser needs no CORS."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        rest_api: apigw.RestApi,
        runtime_config: dict[str, object],
        access_logs: s3.IBucket,
        config: PortalConfig,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="web-bucket/",
            # Everything here is rebuilt from web/ on deploy.
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        router = cloudfront.Function(
            self,
            "Router",
            code=cloudfront.FunctionCode.from_inline(ROUTER_CODE),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="ai-portal: single-page-app routes",
        )
        on_request = [
            cloudfront.FunctionAssociation(
                function=router, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
            )
        ]
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"ai-portal {config.stage}",
            default_root_object="index.html",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # Includes Korea/Japan/India edges (the 100 class would serve Seoul from far away).
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                function_associations=on_request,
            ),
            additional_behaviors={
                f"{API_PREFIX}/*": cloudfront.BehaviorOptions(
                    origin=origins.RestApiOrigin(rest_api),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    # Every viewer header (Authorization included) but Host, which API Gateway needs as its own.
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                )
            },
        )
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=[
                s3deploy.Source.asset(str(web_assets(config))),
                # The UI reads its endpoints at run time, so one build serves every stage.
                s3deploy.Source.json_data(RUNTIME_CONFIG, runtime_config),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=512,
            cache_control=[s3deploy.CacheControl.max_age(Duration.minutes(5))],
        )
        for rule, reason in (
            (
                "AwsSolutions-CFR1",
                "The portal is for the organisation's employees wherever they travel; "
                "access is controlled by sign-in, not by country.",
            ),
            (
                "AwsSolutions-CFR2",
                "AWS WAF costs $5/month per web ACL plus $1 per rule even when idle; "
                "the API behind /api/* is throttled and rate-limited per user. Attach a web ACL if required.",
            ),
            (
                "AwsSolutions-CFR4",
                "With the default *.cloudfront.net certificate CloudFront cannot pin a "
                "minimum TLS version; configure a custom domain and certificate to set TLSv1.2_2021.",
            ),
        ):
            suppress(self.distribution, rule, reason)

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"
