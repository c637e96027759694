"""DynamoDB table shapes, defined once: the CDK construct and the local target both read them.

Every table is on-demand and has a TTL attribute; readers still check expiry themselves
because DynamoDB deletes expired items late (up to days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from portal.settings import Settings

KeyType = Literal["S", "N"]


@dataclass(frozen=True)
class Key:
    name: str
    type: KeyType = "S"


@dataclass(frozen=True)
class Index:
    """A global secondary index projecting all attributes (items are small)."""

    name: str
    partition: Key
    sort: Key | None = None


@dataclass(frozen=True)
class TableSpec:
    logical_id: str  # CDK construct id and the Settings attribute stem
    partition: Key
    sort: Key | None = None
    ttl_attribute: str = "ttl"
    indexes: tuple[Index, ...] = field(default_factory=tuple)

    @property
    def settings_attr(self) -> str:
        return f"{self.logical_id}_table"

    def table_name(self, settings: Settings) -> str:
        return str(getattr(settings, self.settings_attr))

    def create_table_kwargs(self, name: str) -> dict[str, Any]:
        """Arguments for boto3 ``create_table`` (the local target and tests)."""
        keys = [self.partition] + ([self.sort] if self.sort else [])
        attrs = {k.name: k.type for k in keys}
        for idx in self.indexes:
            attrs[idx.partition.name] = idx.partition.type
            if idx.sort:
                attrs[idx.sort.name] = idx.sort.type
        kwargs: dict[str, Any] = {
            "TableName": name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": self.partition.name, "KeyType": "HASH"}]
            + ([{"AttributeName": self.sort.name, "KeyType": "RANGE"}] if self.sort else []),
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in attrs.items()],
        }
        if self.indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": idx.name,
                    "KeySchema": [{"AttributeName": idx.partition.name, "KeyType": "HASH"}]
                    + ([{"AttributeName": idx.sort.name, "KeyType": "RANGE"}] if idx.sort else []),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for idx in self.indexes
            ]
        return kwargs


# WebSocket connections. One "meta" item per connection (sk="meta", user_empno), and one
# item per joined workspace (sk="ws#<id>", workspace_id): sparse GSIs find a user's and a
# workspace's connections without scans.
CONNECTIONS = TableSpec(
    logical_id="connections",
    partition=Key("connection_id"),
    sort=Key("sk"),
    indexes=(
        Index("by_user", Key("user_empno"), Key("connection_id")),
        Index("by_workspace", Key("workspace_id"), Key("connection_id")),
    ),
)

# L2 cache tier. Entry items (pk=<key>, sk="entry") and tag items (pk="tag#<tag>", sk=<key>)
# so invalidate_by_tags is a Query, not a Scan.
CACHE = TableSpec(logical_id="cache", partition=Key("pk"), sort=Key("sk"))

# Fixed-window rate-limit counters: pk="<bucket>#<empno>#<window start>".
RATE_LIMIT = TableSpec(logical_id="rate_limit", partition=Key("pk"))

# Powertools Idempotency's own schema (partition "id", TTL "expiration").
IDEMPOTENCY = TableSpec(logical_id="idempotency", partition=Key("id"), ttl_attribute="expiration")

# Numbered stream chunks of a turn, kept briefly so a reconnecting client can replay. The
# turn's header item (seq 0) carries open_turn/turn_deadline from the start of the turn until
# it is settled: the sparse index lets the sweep find turns past their deadline without a scan.
STREAM = TableSpec(
    logical_id="stream",
    partition=Key("turn_id"),
    sort=Key("seq", "N"),
    indexes=(Index("open_turns", Key("open_turn"), Key("turn_deadline", "N")),),
)

ALL_TABLES: tuple[TableSpec, ...] = (CONNECTIONS, CACHE, RATE_LIMIT, IDEMPOTENCY, STREAM)
