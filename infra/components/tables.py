"""The portal's DynamoDB tables, built from portal.tables so the CDK and the local target agree."""

from __future__ import annotations

import re
from enum import StrEnum

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from portal.tables import ALL_TABLES, Key, TableSpec

from infra.components.portal_function import PortalFunction
from infra.nag import ref_pattern, suppress, suppress_grant_wildcard


class Access(StrEnum):
    READ = "read"
    READ_WRITE = "read_write"
    # Read plus DeleteItem: the agents drop connections API Gateway reports gone.
    READ_DELETE = "read_delete"


def env_var(spec: TableSpec) -> str:
    """The PORTAL_* variable the settings read the table name from."""
    return f"PORTAL_{spec.settings_attr.upper()}"


def _attribute(key: Key) -> dynamodb.Attribute:
    kind = dynamodb.AttributeType.NUMBER if key.type == "N" else dynamodb.AttributeType.STRING
    return dynamodb.Attribute(name=key.name, type=kind)


class PortalTables(Construct):
    """On-demand tables with TTL: nothing to pay while idle but storage (25 GB free)."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.tables: dict[str, dynamodb.Table] = {}
        for spec in ALL_TABLES:
            table = dynamodb.Table(
                self,
                spec.logical_id.replace("_", " ").title().replace(" ", ""),
                partition_key=_attribute(spec.partition),
                sort_key=_attribute(spec.sort) if spec.sort else None,
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                time_to_live_attribute=spec.ttl_attribute,
                # Every item here expires (connections, cache, counters, stream chunks):
                # nothing to keep when the stack goes.
                removal_policy=RemovalPolicy.DESTROY,
            )
            for index in spec.indexes:
                table.add_global_secondary_index(
                    index_name=index.name,
                    partition_key=_attribute(index.partition),
                    sort_key=_attribute(index.sort) if index.sort else None,
                    projection_type=dynamodb.ProjectionType.ALL,
                )
            suppress(
                table,
                "AwsSolutions-DDB3",
                f"The {spec.logical_id} table holds only short-lived items with a TTL; a "
                "point-in-time restore would bring back expired state, so PITR is off.",
            )
            self.tables[spec.logical_id] = table

    def table(self, spec: TableSpec) -> dynamodb.Table:
        return self.tables[spec.logical_id]

    def grant(self, fn: PortalFunction, spec: TableSpec, access: Access) -> None:
        """Grant one kind of access to one table and tell the function its name."""
        table = self.table(spec)
        if access is Access.READ_WRITE:
            table.grant_read_write_data(fn.function)
        else:
            table.grant_read_data(fn.function)
            if access is Access.READ_DELETE:
                table.grant(fn.function, "dynamodb:DeleteItem")
        if spec.indexes:
            suppress_grant_wildcard(
                fn.role,
                ref_pattern(table) + re.escape("/index/*"),
                f"Reading the {spec.logical_id} table includes its GSIs ({', '.join(i.name for i in spec.indexes)}), "
                "which IAM addresses as <table>/index/<name>; only this table's indexes match.",
            )
        fn.add_environment(**{env_var(spec): table.table_name})
