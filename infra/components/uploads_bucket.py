"""The bucket users upload files to, through presigned PUT URLs."""

from __future__ import annotations

import re

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.components.defaults import data_removal
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import ref_pattern, suppress_grant_wildcard

# Every uploaded object lives under this prefix; the ingest notification filters on it.
UPLOADS_PREFIX = "uploads/"
RESEARCH_PREFIX = "research/"  # deep research scratch (portal.agents.research.store)
# An overwritten or deleted upload can be restored this long (README "Restoring data"); after
# that its old versions go, so versioning does not double the storage bill for ever.
NONCURRENT_DAYS = 30


class UploadsBucket(Construct):
    """Private, S3-managed encryption, TLS only, no leftover multipart parts (CORS: UploadsCors)."""

    def __init__(self, scope: Construct, id: str, *, config: PortalConfig, access_logs: s3.IBucket) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="uploads-bucket/",
            # No CORS here: the Web stack sets it to the site's origin once CloudFront's URL is
            # known (UploadsCors); a rule in this template would have to allow "*" before then.
            # A mistaken delete or overwrite of a user's file is recoverable (noncurrent versions).
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-uploads",
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                # Deep research keeps fetched page text here between workflow steps only.
                s3.LifecycleRule(
                    id="expire-research-scratch", prefix=RESEARCH_PREFIX, expiration=Duration.days(7)
                ),
                s3.LifecycleRule(
                    id="expire-noncurrent-versions",
                    noncurrent_version_expiration=Duration.days(NONCURRENT_DAYS),
                    expired_object_delete_marker=True,
                ),
            ],
            removal_policy=data_removal(config),
            auto_delete_objects=not config.retain_data,
        )

    def _grant(self, fn: PortalFunction, actions: list[str], prefix: str = UPLOADS_PREFIX) -> None:
        # Exact object actions on one prefix (the stock grant_* add s3:GetObject*, s3:List*, …).
        iam.Grant.add_to_principal(
            grantee=fn.function,
            actions=actions,
            resource_arns=[self.bucket.arn_for_objects(f"{prefix}*")],
        )
        suppress_grant_wildcard(
            fn.role,
            ref_pattern(self.bucket) + re.escape(f"/{prefix}*"),
            f"Objects under the {prefix} prefix have generated keys; the grant covers that prefix "
            "of this one bucket and nothing else.",
        )
        fn.add_environment(PORTAL_UPLOADS_BUCKET=self.bucket.bucket_name)

    def grant_research_scratch(self, fn: PortalFunction) -> None:
        """Read and write deep research's intermediate page text (expires after 7 days)."""
        self._grant(fn, ["s3:PutObject", "s3:GetObject"], prefix=RESEARCH_PREFIX)

    def grant_presign(self, fn: PortalFunction) -> None:
        """Presigned PUT/GET URLs and deletes under the uploads prefix (the API)."""
        self._grant(fn, ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"])

    def grant_ingest(self, fn: PortalFunction) -> None:
        """Read uploaded files, and delete an object that has no file row (uploaded after its
        file was deleted, through a presigned POST that was still valid)."""
        self._grant(fn, ["s3:GetObject", "s3:DeleteObject"])

    def grant_read(self, fn: PortalFunction) -> None:
        """Read uploaded files (ingest, RAG workers)."""
        self._grant(fn, ["s3:GetObject"])


# What a browser does with a presigned POST: the POST itself (S3 enforces the size from its
# policy); GET/HEAD for presigned downloads.
CORS_METHODS = ["POST", "PUT", "GET", "HEAD"]


class UploadsCors(Construct):
    """Lets only the portal's own pages use presigned uploads: CORS = the site's origin (plus
    any configured extra origins). Set from the Web stack, where CloudFront's URL exists."""

    def __init__(self, scope: Construct, id: str, *, bucket: s3.IBucket, origins: list[str]) -> None:
        super().__init__(scope, id)
        rules = {
            "CORSRules": [
                {
                    # The presigned URL is the authorization; CORS decides which pages may use one.
                    "AllowedOrigins": origins,
                    "AllowedMethods": CORS_METHODS,
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        }
        put = cr.AwsSdkCall(
            service="S3",
            action="putBucketCors",
            parameters={"Bucket": bucket.bucket_name, "CORSConfiguration": rules},
            physical_resource_id=cr.PhysicalResourceId.of(f"{id}-cors"),
        )
        self.resource = cr.AwsCustomResource(
            self,
            "Put",
            on_create=put,
            on_update=put,
            on_delete=cr.AwsSdkCall(
                service="S3", action="deleteBucketCors", parameters={"Bucket": bucket.bucket_name}
            ),
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [iam.PolicyStatement(actions=["s3:PutBucketCORS"], resources=[bucket.bucket_arn])]
            ),
            install_latest_aws_sdk=False,
        )
