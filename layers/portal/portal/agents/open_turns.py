"""Which turns are still open, kept in DynamoDB so a sweep can find stuck ones without waking Aurora.

The API marks a turn open (on its stream header item, seq 0) before it announces the turn and
launches the workflow, with the turn's deadline and the workflow input; whoever ends the turn and
has recorded it settles it (``portal.agents.completion``). The marker's attributes feed a sparse index, so
the scheduled sweep reads only turns that are still open and past their deadline; a paused
Aurora is woken only when such a turn exists (to record its failure).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from portal import aws
from portal.agents.turn import TurnInput
from portal.realtime.stream import HEADER_SEQ
from portal.settings import get_settings

# Express's cap, plus time for the start to happen after the question was stored.
EXPRESS_LIMIT = timedelta(seconds=300)
START_GRACE = timedelta(seconds=30)
TURN_DEADLINE = EXPRESS_LIMIT + START_GRACE

INDEX = "open_turns"
OPEN = "turn"  # the sparse index's one partition value
# Markers outlive the deadline long enough for a few sweeps (DynamoDB's TTL deletes late anyway).
MARKER_TTL_SECONDS = 6 * 3600


def _table() -> Any:
    return aws.dynamodb_table(get_settings().stream_table)


def _key(turn_id: str) -> dict[str, Any]:
    return {"turn_id": turn_id, "seq": HEADER_SEQ}


def mark_open(turn: TurnInput, *, deadline_seconds: float = TURN_DEADLINE.total_seconds()) -> None:
    """Record that the turn has started and must end by `deadline_seconds` from now."""
    now = time.time()
    marker = {
        "open_turn": OPEN,
        "turn_deadline": int(now + deadline_seconds),
        "turn_input": turn.model_dump_json(),
    }
    table = _table()
    try:
        # The API marks a turn before it announces it, so its header item does not exist yet: a
        # plain put does (an update expression is the same write to DynamoDB, and costs the local
        # target's moto ~3 ms more, on every turn's accept: #14). Conditional, because a socket
        # that found the stored question and resumed it meanwhile has created the header, and
        # its subscription must be kept (then the marker is added in place, as before).
        table.put_item(
            Item={**_key(turn.turn_id), **marker, "ttl": int(now + MARKER_TTL_SECONDS)},
            ConditionExpression="attribute_not_exists(turn_id)",
        )
        return
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
    table.update_item(
        Key=_key(turn.turn_id),
        UpdateExpression="SET open_turn = :open, turn_deadline = :deadline, turn_input = :input, "
        "#ttl = if_not_exists(#ttl, :ttl)",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={
            ":open": marker["open_turn"],
            ":deadline": marker["turn_deadline"],
            ":input": marker["turn_input"],
            ":ttl": int(now + MARKER_TTL_SECONDS),
        },
    )


def settle(turn_id: str) -> None:
    """The turn ended and is recorded: drop it from the open-turns index."""
    _table().update_item(Key=_key(turn_id), UpdateExpression="REMOVE open_turn, turn_deadline, turn_input")


def forget(turn_id: str) -> None:
    """A turn whose workflow never started: nothing of it is kept."""
    _table().delete_item(Key=_key(turn_id))


def overdue(*, now: float | None = None, limit: int = 50) -> list[TurnInput]:
    """Open turns past their deadline, oldest first."""
    page = _table().query(
        IndexName=INDEX,
        KeyConditionExpression=Key("open_turn").eq(OPEN) & Key("turn_deadline").lt(int(now or time.time())),
        Limit=limit,
    )
    return [
        TurnInput.model_validate_json(str(item["turn_input"]))
        for item in page["Items"]
        if "turn_input" in item
    ]
