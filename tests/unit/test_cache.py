"""CacheManager against a moto DynamoDB table, with an injected clock."""

from __future__ import annotations

from typing import Any

import pytest
from portal.cache import CacheManager
from portal.tables import CACHE

from tests.fakes import FakeClock

TABLE_NAME = "test-cache"
START = 1_700_000_000.0


@pytest.fixture
def table(dynamodb: Any) -> Any:
    dynamodb.create_table(**CACHE.create_table_kwargs(TABLE_NAME))
    return dynamodb.Table(TABLE_NAME)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def make_manager(table: Any, clock: FakeClock) -> Any:
    """A factory: each call is a separate Lambda instance (own L1) over the same table."""

    def make(**kwargs: Any) -> CacheManager:
        return CacheManager(table, clock=clock, **kwargs)

    return make


@pytest.fixture
def cache(make_manager: Any) -> CacheManager:
    return make_manager()


def item(table: Any, pk: str, sk: str = "entry") -> dict[str, Any] | None:
    return table.get_item(Key={"pk": pk, "sk": sk}).get("Item")


# --------------------------------------------------------------------- get / set


def test_set_then_get_is_an_l1_hit(cache: CacheManager) -> None:
    # Given a value just stored
    assert cache.set("user:1", {"name": "Kim", "score": 1.5})
    # When it is read back on the same instance
    value = cache.get("user:1")
    # Then it comes from L1
    assert value == {"name": "Kim", "score": 1.5}
    assert cache.stats()["l1_hits"] == 1


def test_get_of_unknown_key_is_a_miss(cache: CacheManager) -> None:
    # Given an empty cache / When reading a key never stored
    value = cache.get("nope")
    # Then it is a miss
    assert value is None
    assert cache.stats()["misses"] == 1


def test_another_instance_reads_through_l2(cache: CacheManager, make_manager: Any) -> None:
    # Given a value stored by one instance
    cache.set("k", [1, 2, 3])
    other = make_manager()
    # When another instance (empty L1) reads it
    value = other.get("k")
    # Then it is an L2 hit
    assert value == [1, 2, 3]
    assert other.stats()["l2_hits"] == 1


def test_set_writes_entry_and_tag_items(cache: CacheManager, table: Any) -> None:
    # Given / When a tagged value is stored for 60 s
    cache.set("k", {"price": 9.99}, ttl=60, tags=["ws:1", "user:7", "ws:1"])
    # Then the entry holds JSON text, an int TTL and the de-duplicated tags
    entry = item(table, "k")
    assert entry is not None
    assert entry["data"] == '{"price": 9.99}'
    assert int(entry["ttl"]) == int(START) + 60
    assert entry["tags"] == ["ws:1", "user:7"]
    assert entry["access_count"] == 0
    # And one tag item per tag points at the key, expiring with it
    for tag in ("ws:1", "user:7"):
        tag_item = item(table, f"tag#{tag}", "k")
        assert tag_item is not None
        assert tag_item["ttl"] == entry["ttl"]


def test_returned_values_are_copies(cache: CacheManager) -> None:
    # Given a cached dict that a caller mutates after reading
    cache.set("k", {"a": 1})
    cache.get("k")["a"] = 2
    # When it is read again / Then the cache is unaffected
    assert cache.get("k") == {"a": 1}


def test_expired_item_still_in_table_is_a_miss(
    cache: CacheManager, make_manager: Any, table: Any, clock: FakeClock
) -> None:
    # Given an entry past expires_at that DynamoDB TTL has not deleted yet
    cache.set("k", "v", ttl=10)
    clock.advance(11)
    assert item(table, "k") is not None
    # When a fresh instance reads it
    other = make_manager()
    # Then it is a miss
    assert other.get("k") is None
    assert other.stats()["misses"] == 1


def test_l1_never_serves_past_the_entry_ttl(cache: CacheManager, clock: FakeClock) -> None:
    # Given an entry whose TTL (10 s) is shorter than L1's (300 s)
    cache.set("k", "v", ttl=10)
    # When read after it expired
    clock.advance(11)
    # Then L1 does not serve it
    assert cache.get("k") is None


def test_l2_hits_promote_to_l1_after_promote_after(cache: CacheManager, make_manager: Any) -> None:
    # Given a stored value and a fresh instance promoting after 3 L2 hits
    cache.set("k", "v")
    reader = make_manager(promote_after=3)
    # When it reads the key three times, L1 stays empty
    for _ in range(3):
        assert reader.get("k") == "v"
    assert reader.stats()["memory_cache_size"] == 0
    # Then the fourth L2 hit promotes it and the fifth read is an L1 hit
    reader.get("k")
    reader.get("k")
    stats = reader.stats()
    assert (stats["l2_hits"], stats["l1_hits"], stats["memory_cache_size"]) == (4, 1, 1)


def test_l2_hit_increments_access_count(cache: CacheManager, make_manager: Any, table: Any) -> None:
    # Given a stored value / When another instance reads it twice
    cache.set("k", "v")
    reader = make_manager()
    reader.get("k")
    reader.get("k")
    # Then the entry's access_count is 2
    assert item(table, "k")["access_count"] == 2


def test_get_or_load_calls_loader_only_on_a_miss(cache: CacheManager) -> None:
    # Given a loader that counts its calls
    calls: list[int] = []

    def loader() -> dict[str, int]:
        calls.append(1)
        return {"n": 1}

    # When the same key is requested twice
    first = cache.get_or_load("k", loader, ttl=60, tags=["t"])
    second = cache.get_or_load("k", loader, ttl=60, tags=["t"])
    # Then the loader ran once and both calls return its value
    assert first == second == {"n": 1}
    assert len(calls) == 1


def test_key_shaped_like_a_tag_partition_is_rejected(cache: CacheManager) -> None:
    # Given / When / Then a key that could collide with tag items raises
    with pytest.raises(ValueError):
        cache.set("tag#x", 1)


# ------------------------------------------------------------------ invalidation


def test_invalidate_removes_entry_and_its_tag_items(cache: CacheManager, table: Any) -> None:
    # Given a tagged entry
    cache.set("k", "v", tags=["t"])
    # When it is invalidated
    removed = cache.invalidate("k")
    # Then L1, the entry and its tag item are gone
    assert removed is True
    assert cache.get("k") is None
    assert item(table, "k") is None
    assert item(table, "tag#t", "k") is None


def test_invalidate_of_unknown_key_returns_false(cache: CacheManager) -> None:
    # Given an empty cache / When invalidating / Then nothing was removed
    assert cache.invalidate("nope") is False


def test_invalidate_by_tags_across_instances(cache: CacheManager, make_manager: Any, table: Any) -> None:
    # Given entries tagged ws:1 (one also tagged ws:2), an untagged-by-them entry,
    # and a second instance that has the first entry promoted into its own L1
    cache.set("a", 1, tags=["ws:1"])
    cache.set("b", 2, tags=["ws:1", "ws:2"])
    cache.set("c", 3, tags=["ws:3"])
    other = make_manager()
    # When the first instance invalidates ws:1 and ws:2
    removed = cache.invalidate_by_tags(["ws:1", "ws:2"])
    # Then both tagged entries are removed once each, with all their tag items
    assert removed == 2
    assert item(table, "a") is None and item(table, "b") is None
    assert item(table, "tag#ws:1", "a") is None and item(table, "tag#ws:2", "b") is None
    # And the invalidating instance's L1 no longer has them, while "c" survives
    assert cache.get("a") is None and cache.get("b") is None
    assert cache.get("c") == 3
    # And the other instance no longer finds them in L2
    assert other.get("a") is None and other.get("b") is None


def test_invalidate_by_tags_with_no_tags_is_a_no_op(cache: CacheManager) -> None:
    # Given a stored entry / When invalidating an empty tag list / Then nothing is removed
    cache.set("k", "v", tags=["t"])
    assert cache.invalidate_by_tags([]) == 0
    assert cache.get("k") == "v"


def test_invalidate_keeps_tag_items_of_a_newer_write(cache: CacheManager, table: Any) -> None:
    # Given a tagged entry whose tag item was rewritten by a concurrent set() (new version)
    cache.set("k", "old", tags=["t"])
    table.update_item(
        Key={"pk": "tag#t", "sk": "k"},
        UpdateExpression="SET ver = :v",
        ExpressionAttributeValues={":v": "newer"},
    )
    # When the old entry is invalidated
    cache.invalidate("k")
    # Then the newer write's tag item survives, so its entry stays invalidatable
    assert item(table, "tag#t", "k") is not None


# ------------------------------------------------------------------------ warm-up


def test_warm_up_loads_only_live_entries_into_l1(
    cache: CacheManager, make_manager: Any, clock: FakeClock
) -> None:
    # Given two live entries and one that will have expired
    cache.set("a", 1, ttl=600)
    cache.set("b", 2, ttl=600)
    cache.set("old", 3, ttl=10)
    clock.advance(20)
    reader = make_manager()
    # When a fresh instance warms up those keys plus an unknown one
    warmed = reader.warm_up(["a", "b", "old", "missing"])
    # Then only the live ones are loaded, and reads are L1 hits
    assert warmed == 2
    assert reader.get("a") == 1 and reader.get("b") == 2
    assert reader.stats()["l1_hits"] == 2


def test_warm_up_handles_more_keys_than_one_batch(cache: CacheManager, make_manager: Any) -> None:
    # Given 150 stored entries (BatchGetItem takes 100 keys per call)
    keys = [f"k{i}" for i in range(150)]
    for key in keys:
        cache.set(key, key)
    # When a fresh instance warms them all up / Then all are loaded
    assert make_manager().warm_up(keys) == 150


def test_warm_up_retries_unprocessed_keys(
    cache: CacheManager, make_manager: Any, table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a BatchGetItem that leaves one key unprocessed on its first call (throttling)
    cache.set("a", 1)
    cache.set("b", 2)
    client = table.meta.client
    real = client.batch_get_item
    calls: list[int] = []

    def flaky(RequestItems: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        if len(calls) > 1:
            return real(RequestItems=RequestItems)
        request = RequestItems[TABLE_NAME]
        first, rest = request["Keys"][:1], request["Keys"][1:]
        response = real(RequestItems={TABLE_NAME: {**request, "Keys": first}})
        response["UnprocessedKeys"] = {TABLE_NAME: {**request, "Keys": rest}}
        return response

    monkeypatch.setattr(client, "batch_get_item", flaky)
    # When warming up both keys
    warmed = make_manager().warm_up(["a", "b"])
    # Then the unprocessed key is fetched on a retry
    assert warmed == 2
    assert len(calls) == 2


# ------------------------------------------------------------------------ cleanup


def test_cleanup_removes_only_expired_entries_and_tag_items(
    cache: CacheManager, table: Any, clock: FakeClock
) -> None:
    # Given an expired and a live entry sharing a tag
    cache.set("old", 1, ttl=10, tags=["t"])
    cache.set("new", 2, ttl=600, tags=["t"])
    clock.advance(20)
    # When the scheduled sweep runs
    removed = cache.cleanup(force=True)
    # Then only the expired entry and its tag item are gone
    assert removed == 1
    assert item(table, "old") is None and item(table, "tag#t", "old") is None
    assert item(table, "new") is not None and item(table, "tag#t", "new") is not None


def test_cleanup_spares_an_entry_refreshed_after_the_scan(
    cache: CacheManager, table: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an expired tagged entry that another instance re-sets right after the sweep's scan
    cache.set("k", "old", ttl=10, tags=["t"])
    clock.advance(20)
    real_scan = table.scan

    def scan_then_refresh(**kwargs: Any) -> dict[str, Any]:
        page = real_scan(**kwargs)
        CacheManager(table, clock=clock).set("k", "fresh", ttl=600, tags=["t"])
        return page

    monkeypatch.setattr(table, "scan", scan_then_refresh)
    # When the sweep deletes what its scan found
    removed = cache.cleanup(force=True)
    # Then the refreshed entry and its tag item survive
    assert removed == 0
    assert item(table, "k")["data"] == '"fresh"'
    assert item(table, "tag#t", "k") is not None


def test_in_request_cleanup_runs_at_most_once_a_minute(
    cache: CacheManager, clock: FakeClock, table: Any
) -> None:
    # Given a cleanup that just ran, and an entry that expires afterwards
    cache.cleanup()
    cache.set("old", 1, ttl=5)
    clock.advance(10)
    # When an in-request cleanup runs within the minute / Then it is skipped
    assert cache.cleanup() == 0
    assert item(table, "old") is not None
    # And a forced run removes it
    assert cache.cleanup(force=True) == 1


def test_cleanup_respects_max_items(cache: CacheManager, clock: FakeClock, table: Any) -> None:
    # Given three expired untagged entries
    for key in ("a", "b", "c"):
        cache.set(key, 1, ttl=5)
    clock.advance(10)
    # When sweeping with a bound of two / Then only two are removed
    assert cache.cleanup(force=True, max_items=2) == 2
    assert sum(item(table, key) is not None for key in ("a", "b", "c")) == 1


# -------------------------------------------------------------------------- stats


def test_stats_hit_rates(cache: CacheManager, make_manager: Any) -> None:
    # Given one L1 hit, one L2 hit and two misses
    cache.set("k", "v")
    cache.get("k")  # L1 hit
    cache.get("x")  # miss
    reader = make_manager()
    reader.get("k")  # L2 hit
    reader.get("y")  # miss
    # When combining counts (each instance counts its own)
    a, b = cache.stats(), reader.stats()
    # Then the per-instance rates follow hits / requests
    assert (a["writes"], a["hit_rate"], a["l1_hit_rate"]) == (1, 0.5, 0.5)
    assert (b["hit_rate"], b["l1_hit_rate"]) == (0.5, 0.0)
    assert a["memory_cache_size"] == 1
    assert a["memory_cache_maxsize"] == 10_000


def test_stats_without_requests_has_zero_rates(cache: CacheManager) -> None:
    # Given no reads / When asking for stats / Then the rates are zero, not a division error
    stats = cache.stats()
    assert stats["hit_rate"] == 0.0 and stats["l1_hit_rate"] == 0.0 and stats["requests"] == 0


# ------------------------------------------------------------------ L2 failures


@pytest.fixture
def broken(dynamodb: Any, clock: FakeClock) -> CacheManager:
    # A table that does not exist: every L2 call fails with ResourceNotFoundException.
    return CacheManager(dynamodb.Table("missing-table"), clock=clock)


def test_get_falls_back_to_miss_when_l2_fails(broken: CacheManager) -> None:
    # Given an unreachable L2 / When reading / Then it is a miss, not an exception
    assert broken.get("k") is None
    assert broken.stats()["l2_errors"] == 1


def test_set_returns_false_when_l2_fails_but_l1_still_serves(broken: CacheManager) -> None:
    # Given an unreachable L2 / When storing
    stored = broken.set("k", "v", tags=["t"])
    # Then set reports failure while this instance's L1 still serves the value
    assert stored is False
    assert broken.get("k") == "v"


def test_invalidation_clears_l1_when_l2_fails(broken: CacheManager) -> None:
    # Given a tagged value only in L1 (its L2 write failed)
    broken.set("k", "v", tags=["t"])
    # When invalidating by its tag / Then nothing counts as removed from L2, but L1 is clean
    assert broken.invalidate_by_tags(["t"]) == 0
    assert broken.get("k") is None


def test_maintenance_calls_fall_back_when_l2_fails(broken: CacheManager) -> None:
    # Given an unreachable L2 / When running invalidate, warm_up and cleanup / Then none raise
    assert broken.invalidate("k") is False
    assert broken.warm_up(["k"]) == 0
    assert broken.cleanup(force=True) == 0


def test_a_new_instance_warms_its_l1_with_the_keys_other_instances_promoted(
    cache: CacheManager, make_manager: Any, clock: FakeClock
) -> None:
    # Given keys one instance read often enough (from L2) to promote them, and one it did not
    cache.set("user:E1", {"n": 1}, ttl=600)
    cache.set("user:E2", {"n": 2}, ttl=600)
    reader = make_manager(promote_after=1)
    for _ in range(2):
        reader.get("user:E1")
    reader.get("user:E2")
    assert reader.hot_keys() == ["user:E1"]

    # When a new instance (a cold start) warms up
    clock.advance(30)
    fresh = make_manager()
    assert fresh.warm_up_hot() == 1

    # Then its first read of the hot key is an L1 hit, and the other one still goes to L2
    assert fresh.get("user:E1") == {"n": 1}
    assert fresh.get("user:E2") == {"n": 2}
    assert (fresh.stats()["l1_hits"], fresh.stats()["l2_hits"]) == (1, 1)


def test_the_hot_keys_of_the_last_two_hours_are_warmed_and_expired_entries_are_not(
    cache: CacheManager, make_manager: Any, clock: FakeClock
) -> None:
    cache.set("a", 1, ttl=60)
    reader = make_manager(promote_after=0)
    reader.get("a")
    clock.advance(3600)
    assert make_manager().hot_keys() == ["a"]  # the previous hour's set is still read
    assert make_manager().warm_up_hot() == 0  # but its entry has expired: nothing stale is loaded
    clock.advance(3600)
    assert make_manager().hot_keys() == []
