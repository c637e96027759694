"""Findings of each research query, kept in S3 between the state machine's steps.

Keys are ``research/<turn_id>/r<round>-<index>.json``: a retried Map item overwrites its own
object, never another's. The bucket's lifecycle rule expires the prefix (infra).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from botocore.exceptions import ClientError

from portal import aws
from portal.agents.research.findings import Findings, FindingSummary
from portal.observability import logger
from portal.settings import get_settings

PREFIX = "research/"


def key_for(turn_id: str, round_: int, index: int) -> str:
    """The S3 key of one query's findings."""
    return f"{PREFIX}{turn_id}/r{round_}-{index:02d}.json"


def put(turn_id: str, findings: Findings) -> str:
    """Store one query's findings; returns the key."""
    key = key_for(turn_id, findings.round, findings.index)
    aws.client("s3").put_object(
        Bucket=get_settings().uploads_bucket,
        Key=key,
        Body=findings.model_dump_json().encode(),
        ContentType="application/json",
    )
    return key


def get(key: str) -> Findings | None:
    """One query's findings (None when the object is gone)."""
    try:
        body = aws.client("s3").get_object(Bucket=get_settings().uploads_bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            logger.warning("research findings missing", extra={"key": key})
            return None
        raise
    return Findings.model_validate(json.loads(body))


def load_all(turn_id: str, summaries: Iterable[FindingSummary]) -> list[Findings]:
    """The stored findings of a turn's queries, in round and query order."""
    own = f"{PREFIX}{turn_id}/"
    found = []
    for summary in sorted(summaries, key=lambda s: (s.round, s.index)):
        if summary.key is None:
            continue
        if not summary.key.startswith(own):
            # The state only ever holds this turn's keys; anything else is a bug, not data.
            raise ValueError(f"findings key {summary.key!r} does not belong to turn {turn_id}")
        findings = get(summary.key)
        if findings is not None:
            found.append(findings)
    return found
