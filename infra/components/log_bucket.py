"""A bucket that receives access logs (S3 server access logs, CloudFront standard logs)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.components.defaults import data_removal
from infra.config import PortalConfig


class AccessLogsBucket(Construct):
    """Private, encrypted, TLS-only; logs expire after 90 days so storage stays small."""

    def __init__(
        self, scope: Construct, id: str, *, config: PortalConfig, for_cloudfront: bool = False
    ) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            # CloudFront standard logging still writes through ACLs.
            object_ownership=(
                s3.ObjectOwnership.BUCKET_OWNER_PREFERRED
                if for_cloudfront
                else s3.ObjectOwnership.BUCKET_OWNER_ENFORCED
            ),
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=data_removal(config),
            auto_delete_objects=not config.retain_data,
        )
