"""Two-tier cache: an in-process L1 (TTLCache) in front of the DynamoDB CACHE table (L2).

Item layout (see ``portal.tables.CACHE``):

* entry ``pk=<key>, sk="entry"``: ``data`` (JSON text), ``expires_at`` (epoch seconds),
  ``ttl`` (int, for DynamoDB TTL), ``tags`` (list), ``access_count``, ``ver``
* tag   ``pk="tag#<tag>", sk=<key>``: ``ttl``, ``ver`` -- so invalidating a tag is a Query

Every L2 failure is logged and degrades to a miss / ``False``: a cache outage must never
fail the request that merely wanted a shortcut.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError
from cachetools import TTLCache

from portal.observability import MetricName, logger, metrics

ENTRY_SK = "entry"
TAG_PREFIX = "tag#"
CLEANUP_INTERVAL_SECONDS = 60.0  # in-request cleanup runs at most once a minute (as the seed)
# Keys promoted to L1 (read more than promote_after times from L2) are remembered per hour under
# this partition, so a cold start can warm its L1 with what requests are reading right now.
HOT_PK = "warm#hot"
HOT_BUCKET_SECONDS = 3600
HOT_KEYS_LIMIT = 1_000  # at most 10 BatchGetItem calls at a cold start
_BATCH_GET_LIMIT = 100  # BatchGetItem accepts at most 100 keys per call
_UNPROCESSED_RETRIES = 5

# Botocore raises ClientError for service errors and BotoCoreError for transport/credential
# failures; both mean "L2 unavailable" to the cache.
_L2_ERRORS = (ClientError, BotoCoreError)

# "data", "ttl", "tags", "ver" and friends collide with DynamoDB reserved words; always alias.
_NAMES = {
    "#pk": "pk",
    "#sk": "sk",
    "#data": "data",
    "#exp": "expires_at",
    "#ttl": "ttl",
    "#tags": "tags",
    "#ver": "ver",
    "#count": "access_count",
}


@dataclass(frozen=True, slots=True)
class _L1Entry:
    # JSON text rather than the live object: callers mutating a returned dict cannot corrupt
    # the cache, and L1 hits return exactly what L2 hits would (tuples become lists on both).
    data: str
    expires_at: float
    tags: frozenset[str]


class _Miss:
    """Sentinel for an L2 miss, so a cached JSON null is not mistaken for one internally."""


_MISS: Any = _Miss()


def _decimal(value: float) -> Decimal:
    # boto3 refuses Python floats; millisecond precision is plenty for expiry.
    return Decimal(str(round(value, 3)))


def _names(*expressions: str) -> dict[str, str]:
    # DynamoDB rejects attribute names an expression does not use, so pass only those.
    used = " ".join(expressions)
    return {alias: name for alias, name in _NAMES.items() if alias in used}


def _is_conditional_failure(exc: Exception) -> bool:
    return (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
    )


def _emit(name: str) -> None:
    # Metrics are telemetry: a schema or flush problem must never reach the caller.
    try:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    except Exception:
        logger.debug("cache metric not recorded", extra={"metric": name})


class CacheManager:
    """L1 memory + L2 DynamoDB cache with tag invalidation, promotion and expiry-on-read."""

    def __init__(
        self,
        table: Any,
        *,
        l1_maxsize: int = 10_000,
        l1_ttl: float = 300,
        promote_after: int = 3,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._clock = clock
        self._promote_after = promote_after
        # TTLCache bounds how long this instance may serve a value another instance has
        # since invalidated; each entry also carries its own expires_at (checked on read).
        self._l1: TTLCache[str, _L1Entry] = TTLCache(maxsize=l1_maxsize, ttl=l1_ttl, timer=clock)
        self._lock = threading.RLock()  # cachetools caches are not thread-safe
        self._counts = {"l1_hits": 0, "l2_hits": 0, "misses": 0, "writes": 0, "l2_errors": 0}
        self._last_cleanup = float("-inf")

    # ------------------------------------------------------------------ reads

    def get(self, key: str) -> Any | None:
        """The cached value of ``key`` (L1, then L2), or None on a miss or L2 failure."""
        self._check_key(key)
        now = self._clock()
        entry = self._l1_get(key, now)
        if entry is not None:
            self._count("l1_hits", MetricName.CACHE_L1_HIT)
            return json.loads(entry.data)

        value = self._l2_get(key, now)
        if value is _MISS:
            self._count("misses", MetricName.CACHE_MISS)
            return None
        self._count("l2_hits", MetricName.CACHE_L2_HIT)
        return value

    def get_or_load(
        self, key: str, loader: Callable[[], Any], ttl: int = 300, tags: Iterable[str] | None = None
    ) -> Any:
        """The cached value, or ``loader()`` stored under ``key`` (None results are not cached)."""
        value = self.get(key)
        if value is not None:
            return value
        value = loader()
        # None doubles as "miss" in get(), so caching it would only cost a write.
        if value is not None:
            self.set(key, value, ttl=ttl, tags=tags)
        return value

    def warm_up(self, keys: Iterable[str]) -> int:
        """Load the non-expired L2 entries of ``keys`` into L1; the number loaded."""
        wanted = list(dict.fromkeys(keys))
        for key in wanted:
            self._check_key(key)
        now = self._clock()
        warmed = 0
        try:
            for start in range(0, len(wanted), _BATCH_GET_LIMIT):
                for item in self._batch_get(wanted[start : start + _BATCH_GET_LIMIT]):
                    if float(item["expires_at"]) > now:
                        self._l1_put(item["pk"], item["data"], float(item["expires_at"]), item.get("tags"))
                        warmed += 1
        except _L2_ERRORS as exc:
            self._l2_failed("warm_up", exc)
        return warmed

    # ----------------------------------------------------------------- writes

    def set(self, key: str, value: Any, ttl: int = 300, tags: Iterable[str] | None = None) -> bool:
        """Store ``value`` (JSON-serialisable) in L1 and L2 for ``ttl`` seconds; False if L2 failed."""
        self._check_key(key)
        data = json.dumps(value)  # a non-serialisable value is a caller bug: let TypeError out
        tag_list = list(dict.fromkeys(tags or ()))
        expires_at = self._clock() + ttl
        ttl_epoch = math.ceil(expires_at)
        # A fresh version per write lets invalidation delete only the tag items of the entry it
        # deleted, never those a concurrent set() of the same key has just written.
        ver = uuid.uuid4().hex
        # L1 first, as the seed: even with L2 down this instance keeps its shortcut.
        self._l1_put(key, data, expires_at, tag_list)
        try:
            # Tag items before the entry: an entry readable in L2 always has its tag items,
            # so invalidate_by_tags can never miss it (batch writes are not atomic).
            if tag_list:
                with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
                    for tag in tag_list:
                        batch.put_item(Item={"pk": TAG_PREFIX + tag, "sk": key, "ttl": ttl_epoch, "ver": ver})
            self._table.put_item(
                Item={
                    "pk": key,
                    "sk": ENTRY_SK,
                    "data": data,
                    "expires_at": _decimal(expires_at),
                    "ttl": ttl_epoch,
                    "tags": tag_list,
                    "access_count": 0,
                    "ver": ver,
                }
            )
        except _L2_ERRORS as exc:
            self._l2_failed("set", exc)
            return False
        with self._lock:
            self._counts["writes"] += 1
        return True

    def invalidate(self, key: str) -> bool:
        """Drop ``key`` from L1 and L2; True if an L2 entry was deleted."""
        self._check_key(key)
        with self._lock:
            self._l1.pop(key, None)
        try:
            return self._delete_entry(key)
        except _L2_ERRORS as exc:
            self._l2_failed("invalidate", exc)
            return False

    def invalidate_by_tags(self, tags: Iterable[str]) -> int:
        """Drop every entry carrying any of ``tags`` (L1 and L2); the number of L2 entries deleted."""
        tag_set = frozenset(tags)
        if not tag_set:
            return 0
        # L1 entries know their tags, so this instance is clean even if L2 is unreachable.
        with self._lock:
            for key in [k for k, e in self._l1.items() if e.tags & tag_set]:
                self._l1.pop(key, None)
        removed = 0
        seen: set[str] = set()
        try:
            for tag in sorted(tag_set):
                for key in self._tagged_keys(tag):
                    if key in seen:
                        continue
                    seen.add(key)
                    with self._lock:
                        self._l1.pop(key, None)
                    removed += self._delete_entry(key)
        except _L2_ERRORS as exc:
            self._l2_failed("invalidate_by_tags", exc)
        return removed

    def cleanup(self, force: bool = False, max_items: int = 1_000) -> int:
        """Delete expired L2 entries and tag items (at most ``max_items`` of them); entries removed.

        In-request callers get the seed's once-a-minute guard; the scheduled sweep passes
        ``force=True``. Scan is acceptable here: it is a bounded maintenance job, and DynamoDB
        TTL remains the real garbage collector (the sweep only tightens its lag).
        """
        now = self._clock()
        with self._lock:
            if not force and now - self._last_cleanup < CLEANUP_INTERVAL_SECONDS:
                return 0
            self._last_cleanup = now
            self._l1.expire()
        removed = 0
        try:
            for processed, item in enumerate(self._expired_items(now)):
                if processed >= max_items:
                    break
                removed += self._delete_expired(item, now)
        except _L2_ERRORS as exc:
            self._l2_failed("cleanup", exc)
        return removed

    # ---------------------------------------------------------------- warm-up

    def _hot_bucket(self, hours_ago: int = 0) -> str:
        return str(int(self._clock() // HOT_BUCKET_SECONDS) - hours_ago)

    def _remember_hot(self, key: str) -> None:
        """Add a promoted key to this hour's hot set, read by the next cold start's warm-up."""
        try:
            self._table.update_item(
                Key={"pk": HOT_PK, "sk": self._hot_bucket()},
                UpdateExpression="ADD #keys :key SET #ttl = if_not_exists(#ttl, :ttl)",
                ExpressionAttributeNames={"#keys": "keys", "#ttl": "ttl"},
                ExpressionAttributeValues={
                    ":key": {key},
                    ":ttl": math.ceil(self._clock() + 2 * HOT_BUCKET_SECONDS),
                },
            )
        except _L2_ERRORS as exc:
            self._l2_failed("remember_hot", exc)

    def hot_keys(self) -> list[str]:
        """The keys promoted in this hour and the last (what requests keep reading), newest hour first."""
        found: list[str] = []
        try:
            for hours_ago in (0, 1):
                item = self._table.get_item(Key={"pk": HOT_PK, "sk": self._hot_bucket(hours_ago)}).get("Item")
                found.extend(sorted((item or {}).get("keys") or ()))
        except _L2_ERRORS as exc:
            self._l2_failed("hot_keys", exc)
        return list(dict.fromkeys(found))[:HOT_KEYS_LIMIT]

    def warm_up_hot(self) -> int:
        """Load the hot keys' live L2 entries into L1 (a cold start's warm-up); the number loaded."""
        return self.warm_up(self.hot_keys())

    # ------------------------------------------------------------------ stats

    def stats(self) -> dict[str, Any]:
        """Hit/miss/write counters, hit rates and L1 size (the seed's get_stats)."""
        with self._lock:
            counts = dict(self._counts)
            size = len(self._l1)
        total = counts["l1_hits"] + counts["l2_hits"] + counts["misses"]
        return {
            **counts,
            "requests": total,
            "hit_rate": (counts["l1_hits"] + counts["l2_hits"]) / total if total else 0.0,
            "l1_hit_rate": counts["l1_hits"] / total if total else 0.0,
            "memory_cache_size": size,
            "memory_cache_maxsize": int(self._l1.maxsize),
        }

    # --------------------------------------------------------------- internals

    @staticmethod
    def _check_key(key: str) -> None:
        # DynamoDB rejects empty key strings, and a key shaped like a tag partition could
        # collide with tag items (pk="tag#x", sk="entry").
        if not key or key.startswith(TAG_PREFIX):
            raise ValueError(f"invalid cache key: {key!r}")

    def _count(self, counter: str, metric: str) -> None:
        with self._lock:
            self._counts[counter] += 1
        _emit(metric)

    def _l2_failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            self._counts["l2_errors"] += 1
        logger.warning(
            "cache L2 unavailable, falling back", extra={"operation": operation, "error": str(exc)}
        )

    def _l1_get(self, key: str, now: float) -> _L1Entry | None:
        with self._lock:
            entry = self._l1.get(key)
            if entry is not None and entry.expires_at <= now:
                # The entry's own TTL is shorter than L1's: never serve past it.
                del self._l1[key]
                return None
            return entry

    def _l1_put(self, key: str, data: str, expires_at: float, tags: Iterable[str] | None) -> None:
        with self._lock:
            self._l1[key] = _L1Entry(data, expires_at, frozenset(tags or ()))

    def _l2_get(self, key: str, now: float) -> Any:
        try:
            item = self._table.get_item(Key={"pk": key, "sk": ENTRY_SK}).get("Item")
        except _L2_ERRORS as exc:
            self._l2_failed("get", exc)
            return _MISS
        # DynamoDB TTL deletes up to days late, so an expired item may still be there.
        if item is None or float(item["expires_at"]) <= now:
            return _MISS
        try:
            value = json.loads(item["data"])
        except (KeyError, TypeError, ValueError) as exc:
            self._l2_failed("decode", ValueError(f"undecodable cache entry: {exc}"))
            return _MISS
        try:
            access_count = self._touch(key)
        except _L2_ERRORS as exc:
            if _is_conditional_failure(exc):
                return _MISS  # invalidated between our GetItem and UpdateItem
            # Counting is an optimisation; the value itself was read fine.
            self._l2_failed("touch", exc)
            return value
        if access_count > self._promote_after:
            self._l1_put(key, item["data"], float(item["expires_at"]), item.get("tags"))
            if access_count == self._promote_after + 1:  # first promotion: a key worth warming
                self._remember_hot(key)
        return value

    def _touch(self, key: str) -> int:
        """Atomically bump access_count; the new count."""
        response = self._table.update_item(
            Key={"pk": key, "sk": ENTRY_SK},
            UpdateExpression="ADD #count :one",
            # Without the condition, ADD on a just-deleted entry would resurrect a stub item.
            ConditionExpression="attribute_exists(#pk)",
            ExpressionAttributeNames=_names("#count", "#pk"),
            ExpressionAttributeValues={":one": 1},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["access_count"])

    def _batch_get(self, keys: list[str]) -> Iterator[dict[str, Any]]:
        # The resource's client applies the resource type (de)serialisation, so items come
        # back as plain Python values, like Table.get_item.
        client = self._table.meta.client
        name = self._table.name
        request: dict[str, Any] = {
            name: {
                "Keys": [{"pk": k, "sk": ENTRY_SK} for k in keys],
                "ProjectionExpression": "#pk, #data, #exp, #tags",
                "ExpressionAttributeNames": _names("#pk", "#data", "#exp", "#tags"),
            }
        }
        for attempt in range(_UNPROCESSED_RETRIES + 1):
            response = client.batch_get_item(RequestItems=request)
            yield from response.get("Responses", {}).get(name, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return
            if attempt < _UNPROCESSED_RETRIES:
                time.sleep(0.05 * 2**attempt)  # throttled: back off before retrying the rest
        logger.warning(
            "cache warm_up gave up on unprocessed keys", extra={"count": len(request[name]["Keys"])}
        )

    def _tagged_keys(self, tag: str) -> Iterator[str]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "#pk = :pk",
            "ProjectionExpression": "#sk",
            "ExpressionAttributeNames": _names("#pk", "#sk"),
            "ExpressionAttributeValues": {":pk": TAG_PREFIX + tag},
        }
        while True:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                yield item["sk"]
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _delete_entry(self, key: str) -> bool:
        """Delete an entry and the tag items written with it; whether it existed."""
        response = self._table.delete_item(Key={"pk": key, "sk": ENTRY_SK}, ReturnValues="ALL_OLD")
        old = response.get("Attributes")
        if not old:
            return False
        for tag in old.get("tags") or ():
            self._delete_tag_item(tag, key, "#ver = :ver", {":ver": old.get("ver")})
        return True

    def _delete_tag_item(self, tag: str, key: str, condition: str, values: dict[str, Any]) -> bool:
        """Delete one tag item if ``condition`` holds; whether it was deleted."""
        # Always conditional, so we never remove a tag item that a concurrent set() rewrote:
        # that would leave a live entry its tag can no longer find.
        try:
            self._table.delete_item(
                Key={"pk": TAG_PREFIX + tag, "sk": key},
                ConditionExpression=condition,
                ExpressionAttributeNames=_names(condition),
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if _is_conditional_failure(exc):
                return False
            raise
        return True

    def _expired_items(self, now: float) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "FilterExpression": "(#sk = :entry AND #exp <= :now) OR (begins_with(#pk, :tag) AND #ttl <= :now_s)",
            "ProjectionExpression": "#pk, #sk",
            "ExpressionAttributeNames": _names("#pk", "#sk", "#exp", "#ttl"),
            "ExpressionAttributeValues": {
                ":entry": ENTRY_SK,
                ":now": _decimal(now),
                ":tag": TAG_PREFIX,
                ":now_s": math.floor(now),
            },
        }
        while True:
            page = self._table.scan(**kwargs)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _delete_expired(self, item: dict[str, Any], now: float) -> int:
        """Delete one expired item found by the sweep; 1 if it was an entry, else 0."""
        if item["pk"].startswith(TAG_PREFIX):
            tag = item["pk"][len(TAG_PREFIX) :]
            self._delete_tag_item(tag, item["sk"], "#ttl <= :now", {":now": math.floor(now)})
            return 0
        try:
            # Re-checked at delete time: the key may have been set again since the scan.
            self._table.delete_item(
                Key={"pk": item["pk"], "sk": ENTRY_SK},
                ConditionExpression="#exp <= :now",
                ExpressionAttributeNames=_names("#exp"),
                ExpressionAttributeValues={":now": _decimal(now)},
            )
        except ClientError as exc:
            if _is_conditional_failure(exc):
                return 0
            raise
        return 1
