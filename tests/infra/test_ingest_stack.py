"""Ingest stack: uploads/ ObjectCreated -> ingest function, failures to a dead-letter queue."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from infra.components.uploads_bucket import UPLOADS_PREFIX
from tests.infra.helpers import Synthesized, actions, function_by_handler, resources, statements_of_function

pytestmark = pytest.mark.infra


def test_uploads_bucket_notifies_the_ingest_function_on_object_created(portal: Synthesized) -> None:
    template = portal.json("ingest")
    ingest_id, _ = function_by_handler(template, "handler.handler")
    notifications = resources(template, "Custom::S3BucketNotifications")
    assert len(notifications) == 1
    props = next(iter(notifications.values()))["Properties"]
    # The bucket is the Data stack's uploads bucket
    assert "UploadsBucket" in str(props["BucketName"])
    config = props["NotificationConfiguration"]["LambdaFunctionConfigurations"]
    assert config == [
        {
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": UPLOADS_PREFIX}]}},
            "LambdaFunctionArn": {"Fn::GetAtt": [ingest_id, "Arn"]},
        }
    ]
    # and S3 may invoke the function
    portal.template("ingest").has_resource_properties(
        "AWS::Lambda::Permission",
        {"Principal": "s3.amazonaws.com", "FunctionName": {"Fn::GetAtt": [ingest_id, "Arn"]}},
    )


def test_failed_events_go_to_the_dead_letter_queue_after_retries(portal: Synthesized) -> None:
    template = portal.json("ingest")
    queue_id = next(iter(resources(template, "AWS::SQS::Queue")))
    portal.template("ingest").has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "MaximumRetryAttempts": 2,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}},
        },
    )
    portal.template("ingest").has_resource_properties(
        "AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 14 * 24 * 3600}
    )


def test_ingest_reads_uploads_and_may_only_delete_orphans_in_s3(portal: Synthesized) -> None:
    statements = statements_of_function(portal.json("ingest"), "handler.handler")
    s3 = {a for s in statements for a in actions(s) if a.startswith("s3:")}
    # DeleteObject: an upload whose file row is gone is removed (tests/security, tests/faults)
    assert s3 == {"s3:GetObject", "s3:DeleteObject"}
    portal.template("ingest").has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "handler.handler",
            "Environment": {"Variables": Match.object_like({"PORTAL_UPLOADS_BUCKET": Match.any_value()})},
        },
    )
