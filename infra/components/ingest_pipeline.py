"""Uploaded file -> ingest function, with failed events kept in a dead-letter queue."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.portal_function import PortalFunction
from infra.components.uploads_bucket import UPLOADS_PREFIX
from infra.nag import suppress


class IngestPipeline(Construct):
    """S3 invokes the function asynchronously; after Lambda's retries the event lands in the DLQ."""

    def __init__(self, scope: Construct, id: str, *, function: PortalFunction, bucket: s3.IBucket) -> None:
        super().__init__(scope, id)
        self.dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Long enough for someone to look after the alarm fires.
            retention_period=Duration.days(14),
        )
        function.function.configure_async_invoke(
            retry_attempts=2,
            max_event_age=Duration.hours(6),
            on_failure=destinations.SqsDestination(self.dead_letters),
        )
        bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.LambdaDestination(function.function),
            s3.NotificationKeyFilter(prefix=UPLOADS_PREFIX),
        )
        suppress(
            self.dead_letters,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter destination of the ingest function; a DLQ of a "
            "DLQ would only move the same failed S3 events one queue further.",
        )
