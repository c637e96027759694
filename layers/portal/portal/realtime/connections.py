"""WebSocket connections in DynamoDB (table spec: portal.tables.CONNECTIONS).

Items per connection: one ``meta`` item (``user_empno``: found through the by_user index)
and one ``ws#<workspace_id>`` item per joined workspace (``workspace_id``: found through
the by_workspace index). Membership items carry the user as ``member_empno``, not
``user_empno``, so they stay out of the by_user index and ``for_user`` lists sockets only.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from cachetools import TTLCache

# The table's sparse indexes (portal.tables.CONNECTIONS names them; a test holds the two together).
# Not imported from there: every function that streams to a socket would build the table specs,
# which only the CDK, the local target and the health check read (~2 ms of a cold start, #14).
BY_USER = "by_user"
BY_WORKSPACE = "by_workspace"
META = "meta"
WORKSPACE_PREFIX = "ws#"
# API Gateway closes a WebSocket after 2 hours at most; keep the record a little longer.
CONNECTION_TTL_SECONDS = 2 * 3600 + 600
# How long the token expiry seen in a listing stands in for reading the connection again.
LISTED_TOKEN_EXP_SECONDS = 60


@dataclass(frozen=True)
class Connection:
    connection_id: str
    user_empno: str
    connected_at: float
    expires_at: float = 0.0
    # The exp of the token the socket signed in (or last re-authenticated) with; 0 = not recorded.
    token_exp: float = 0.0

    def token_expired(self, now: float) -> bool:
        return bool(self.token_exp) and self.token_exp <= now


@dataclass(frozen=True)
class Membership:
    """A connection that joined a workspace."""

    connection_id: str
    workspace_id: str
    empno: str
    name: str | None
    joined_at: float


class ConnectionStore:
    """Who is connected: a user's sockets, found through the by_user index."""

    def __init__(self, table: Any, *, clock: Any = time.time) -> None:
        self._table = table
        self._clock = clock
        # token_exp of sockets `for_user` just listed: the first send to them needs no GetItem.
        self._listed_exp: TTLCache[str, float] = TTLCache(maxsize=10_000, ttl=LISTED_TOKEN_EXP_SECONDS)
        self._lock = threading.Lock()

    def listed_token_exp(self, connection_id: str) -> float | None:
        """The token expiry of a socket a recent `for_user` returned (0 = not recorded), else None."""
        with self._lock:
            return self._listed_exp.get(connection_id)

    def add(self, *, connection_id: str, user_empno: str, token_exp: int | None = None) -> Connection:
        """Record a connection that passed $connect, with its token's expiry."""
        now = self._clock()
        expires = int(now + CONNECTION_TTL_SECONDS)
        self._table.put_item(
            Item={
                "connection_id": connection_id,
                "sk": META,
                "user_empno": user_empno,
                "connected_at": int(now),
                "ttl": expires,
                **({"token_exp": int(token_exp)} if token_exp else {}),
            }
        )
        return Connection(connection_id, user_empno, now, expires, float(token_exp or 0))

    def reauthenticate(self, connection_id: str, *, token_exp: int) -> bool:
        """The socket showed a fresh token: it may live until that one expires. False if it is gone."""
        try:
            self._table.update_item(
                Key={"connection_id": connection_id, "sk": META},
                UpdateExpression="SET token_exp = :exp",
                ConditionExpression="attribute_exists(connection_id)",
                ExpressionAttributeValues={":exp": int(token_exp)},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def with_expired_tokens(self) -> list[str]:
        """Connection ids whose token has expired (the sweep closes them; a scan: the table is small)."""
        now = int(self._clock())
        found: list[str] = []
        kwargs: dict[str, Any] = {
            "FilterExpression": Attr("sk").eq(META) & Attr("token_exp").lte(now) & Attr("ttl").gt(now),
            "ProjectionExpression": "connection_id",
        }
        while True:
            page = self._table.scan(**kwargs)
            found.extend(i["connection_id"] for i in page["Items"])
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def get(self, connection_id: str) -> Connection | None:
        """The connection's record, unless it expired (TTL deletes late, so check it here)."""
        item = self._table.get_item(Key={"connection_id": connection_id, "sk": META}).get("Item")
        if not item or int(item.get("ttl", 0)) <= self._clock():
            return None
        return Connection(
            item["connection_id"],
            item["user_empno"],
            float(item["connected_at"]),
            float(item["ttl"]),
            float(item.get("token_exp", 0)),
        )

    def remove(self, connection_id: str) -> list[Membership]:
        """Forget a connection and every workspace membership it held; return the live memberships."""
        items = self._table.query(
            KeyConditionExpression=Key("connection_id").eq(connection_id), ConsistentRead=True
        )["Items"]
        # One DeleteItem each (a socket holds at most a few items): the agents that drop gone sockets
        # may delete connections but not write them, and IAM cannot tell a batch delete from a put.
        for item in items:
            self._table.delete_item(Key={"connection_id": item["connection_id"], "sk": item["sk"]})
        now = self._clock()
        return [
            _membership(i)
            for i in items
            if i["sk"].startswith(WORKSPACE_PREFIX) and int(i.get("ttl", 0)) > now
        ]

    def join(self, connection: Connection, *, workspace_id: str, name: str | None) -> Membership:
        """Record that this connection joined a workspace (it expires with the connection)."""
        now = self._clock()
        self._table.put_item(
            Item={
                "connection_id": connection.connection_id,
                "sk": WORKSPACE_PREFIX + workspace_id,
                "workspace_id": workspace_id,
                "member_empno": connection.user_empno,
                **({"member_name": name} if name else {}),
                # Millisecond precision: presence lists people in the order they arrived.
                "joined_at": Decimal(f"{now:.3f}"),
                "ttl": int(connection.expires_at or now + CONNECTION_TTL_SECONDS),
            }
        )
        return Membership(connection.connection_id, workspace_id, connection.user_empno, name, round(now, 3))

    def leave(self, connection_id: str, *, workspace_id: str) -> Membership | None:
        """Drop one membership; the membership that was live, or None if the connection had not joined."""
        old = self._table.delete_item(
            Key={"connection_id": connection_id, "sk": WORKSPACE_PREFIX + workspace_id},
            ReturnValues="ALL_OLD",
        ).get("Attributes")
        if not old or int(old.get("ttl", 0)) <= self._clock():
            return None
        return _membership(old)

    def memberships(self, connection_id: str) -> list[Membership]:
        """The workspaces this connection has joined (live ones)."""
        now = self._clock()
        items = self._table.query(
            KeyConditionExpression=Key("connection_id").eq(connection_id)
            & Key("sk").begins_with(WORKSPACE_PREFIX),
            ConsistentRead=True,
        )["Items"]
        return [_membership(i) for i in items if int(i.get("ttl", 0)) > now]

    def in_workspace(self, workspace_id: str) -> list[Membership]:
        """Every live connection joined to a workspace, found through the by_workspace index."""
        return [_membership(i) for i in self._query_index(BY_WORKSPACE, "workspace_id", workspace_id)]

    def turn_audience(self, user_empno: str, workspace_id: str | None) -> list[str]:
        """The sockets a turn is shown on: every connection of its author (their other tabs), and
        in a shared workspace every connection joined to it (their access was checked when they
        joined). One rule for the question's `message.created` and the answer's stream."""
        members = [m.connection_id for m in self.in_workspace(workspace_id)] if workspace_id else []
        return list(dict.fromkeys([*self.for_user(user_empno), *members]))

    def for_user(self, user_empno: str) -> list[str]:
        """Live connection ids of a user (all their tabs and devices)."""
        items = self._query_index(BY_USER, "user_empno", user_empno)
        with self._lock:
            for i in items:  # the index projects every attribute: token_exp comes with the listing
                self._listed_exp[i["connection_id"]] = float(i.get("token_exp", 0))
        return [i["connection_id"] for i in items]

    def _query_index(self, index: str, attribute: str, value: str) -> list[dict[str, Any]]:
        now = self._clock()
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"IndexName": index, "KeyConditionExpression": Key(attribute).eq(value)}
        while True:
            page = self._table.query(**kwargs)
            items.extend(i for i in page["Items"] if int(i.get("ttl", 0)) > now)
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _membership(item: dict[str, Any]) -> Membership:
    return Membership(
        connection_id=item["connection_id"],
        workspace_id=item["workspace_id"],
        empno=item["member_empno"],
        name=item.get("member_name"),
        joined_at=float(item.get("joined_at", 0)),
    )
