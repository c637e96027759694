"""Caching and rate limiting on DynamoDB: a two-tier cache and per-user fixed-window limits."""

from portal.cache.manager import CacheManager
from portal.cache.ratelimit import RateDecision, RateLimiter

__all__ = ["CacheManager", "RateDecision", "RateLimiter"]
