"""Administrators see the cache's statistics: GET /api/admin/cache.

L1 is per container, so its counters are this API container's since it started (the
dashboard's CacheL1Hit/CacheL2Hit/CacheMiss metrics sum them over every container); L2's
size is DynamoDB's own figure (DescribeTable, refreshed by DynamoDB about every six hours).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from fastapi import APIRouter
from pydantic import BaseModel

from portal import services
from portal.api.deps import AdminUser
from portal.observability import logger

router = APIRouter(prefix="/admin/cache", tags=["admin"])


class TierStats(BaseModel):
    hits: int
    items: int | None  # None: unknown (L2 unreachable)


class CacheStats(BaseModel):
    l1: TierStats  # memory, this container
    l2: TierStats  # DynamoDB, every container
    misses: int
    writes: int
    l2_errors: int
    hit_rate: float
    l1_maxsize: int
    l2_size_bytes: int | None
    hot_keys: int  # keys the next cold start warms up


@router.get("", response_model=CacheStats)
def cache_stats(admin: AdminUser) -> CacheStats:
    cache = services.cache()
    stats = cache.stats()
    items, size = None, None
    try:
        table = services.cache_table_description()
        items, size = int(table["ItemCount"]), int(table["TableSizeBytes"])
    except (BotoCoreError, ClientError, KeyError) as exc:
        logger.warning("cache table not described", extra={"error": str(exc)})
    return CacheStats(
        l1=TierStats(hits=stats["l1_hits"], items=stats["memory_cache_size"]),
        l2=TierStats(hits=stats["l2_hits"], items=items),
        misses=stats["misses"],
        writes=stats["writes"],
        l2_errors=stats["l2_errors"],
        hit_rate=round(stats["hit_rate"], 4),
        l1_maxsize=stats["memory_cache_maxsize"],
        l2_size_bytes=size,
        hot_keys=len(cache.hot_keys()),
    )
