"""WebSocket connections in DynamoDB (table spec: portal.tables.CONNECTIONS)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Key

from portal.tables import CONNECTIONS

META = "meta"
# API Gateway closes a WebSocket after 2 hours at most; keep the record a little longer.
CONNECTION_TTL_SECONDS = 2 * 3600 + 600


@dataclass(frozen=True)
class Connection:
    connection_id: str
    user_empno: str
    connected_at: float


class ConnectionStore:
    """Who is connected: a user's sockets, found through the by_user index."""

    def __init__(self, table: Any, *, clock: Any = time.time) -> None:
        self._table = table
        self._clock = clock

    def add(self, *, connection_id: str, user_empno: str) -> Connection:
        """Record a connection that passed $connect."""
        now = self._clock()
        self._table.put_item(
            Item={
                "connection_id": connection_id,
                "sk": META,
                "user_empno": user_empno,
                "connected_at": int(now),
                "ttl": int(now + CONNECTION_TTL_SECONDS),
            }
        )
        return Connection(connection_id, user_empno, now)

    def get(self, connection_id: str) -> Connection | None:
        """The connection's record, unless it expired (TTL deletes late, so check it here)."""
        item = self._table.get_item(Key={"connection_id": connection_id, "sk": META}).get("Item")
        if not item or int(item.get("ttl", 0)) <= self._clock():
            return None
        return Connection(item["connection_id"], item["user_empno"], float(item["connected_at"]))

    def remove(self, connection_id: str) -> None:
        """Forget a connection and every workspace membership it held."""
        items = self._table.query(KeyConditionExpression=Key("connection_id").eq(connection_id))["Items"]
        with self._table.batch_writer() as batch:
            for item in items:
                batch.delete_item(Key={"connection_id": item["connection_id"], "sk": item["sk"]})

    def for_user(self, user_empno: str) -> list[str]:
        """Live connection ids of a user (all their tabs and devices)."""
        return self._query_index(CONNECTIONS.indexes[0].name, "user_empno", user_empno)

    def _query_index(self, index: str, attribute: str, value: str) -> list[str]:
        now = self._clock()
        ids: list[str] = []
        kwargs: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": Key(attribute).eq(value)}
        while True:
            page = self._table.query(**kwargs)
            ids.extend(i["connection_id"] for i in page["Items"] if int(i.get("ttl", 0)) > now)
            if "LastEvaluatedKey" not in page:
                return ids
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
