"""Data that survives mistakes, read from the synthesized data stack: Aurora keeps 7 days of
backups and refuses deletion, uploads are versioned with a bounded history, and the DynamoDB
tables (all TTL-only, short-lived state) deliberately have no point-in-time recovery."""

from __future__ import annotations

from aws_cdk.assertions import Match
from portal.tables import ALL_TABLES

from tests.infra.helpers import Synthesized


def test_aurora_keeps_seven_days_of_backups_and_refuses_deletion(portal: Synthesized) -> None:
    template = portal.template("data")
    template.has_resource_properties(
        "AWS::RDS::DBCluster",
        {"BackupRetentionPeriod": 7, "DeletionProtection": True, "CopyTagsToSnapshot": True},
    )
    # Deleting the stack leaves a final snapshot, not nothing.
    clusters = template.find_resources("AWS::RDS::DBCluster")
    assert [c["DeletionPolicy"] for c in clusters.values()] == ["Snapshot"]


def test_uploads_are_versioned_and_old_versions_expire_after_30_days(portal: Synthesized) -> None:
    template = portal.template("data")
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                                "ExpiredObjectDeleteMarker": True,
                                "Status": "Enabled",
                            }
                        )
                    ]
                )
            },
            "LoggingConfiguration": Match.any_value(),  # the uploads bucket, not the log bucket
        },
    )


def test_no_table_has_point_in_time_recovery_because_every_item_expires(portal: Synthesized) -> None:
    # Every table's items carry a TTL (connections, cache, counters, idempotency, stream chunks):
    # a restore would bring back expired state, so PITR would cost without protecting anything.
    tables = portal.template("data").find_resources("AWS::DynamoDB::Table")
    assert len(tables) == len(ALL_TABLES)
    for table in tables.values():
        props = table["Properties"]
        assert props["TimeToLiveSpecification"]["Enabled"] is True
        assert "PointInTimeRecoverySpecification" not in props
