"""The API's cache at cold start and per invocation: warm L1 once, report its size each time.

Warm-up: a new API container starts with an empty L1, so its first requests all go to
DynamoDB for what every request reads (the caller's user row, their agent access). The keys
other containers promoted in the last hour or two are those; one GetItem per hour bucket
and BatchGetItem load their live entries before the first request is routed.
"""

from __future__ import annotations

import threading

from aws_lambda_powertools.metrics import MetricUnit

from portal.observability import MetricName, logger, metrics

_warmed = threading.Event()


def on_invocation() -> None:
    """Warm up at the container's first invocation; record the L1 size (a gauge) every time."""
    from portal import services

    cache = services.cache()
    if not _warmed.is_set():
        _warmed.set()  # once, even if the warm-up fails: it is an optimisation
        try:
            loaded = cache.warm_up_hot()
            logger.info("cache warmed at cold start", extra={"entries": loaded})
        except Exception:
            logger.exception("cache warm-up failed")
    try:
        metrics.add_metric(
            name=MetricName.CACHE_L1_ITEMS, unit=MetricUnit.Count, value=cache.stats()["memory_cache_size"]
        )
    except Exception:
        logger.debug("cache size metric not recorded")


def reset() -> None:
    """Forget the warm-up (tests start a new 'container')."""
    _warmed.clear()
