"""Logger, Tracer and Metrics, created once and imported everywhere (Powertools)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import (
    THREAD_LOCAL_KEYS,
    LambdaPowertoolsFormatter,
    clear_context_keys,
    set_context_keys,
)
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

SERVICE = "ai-portal"
NAMESPACE = "AIPortal"


class ContextLocalFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter whose appended keys are context-local, not process-global.

    ``inject_lambda_context`` appends function_name, request id and correlation_id (the turn id
    in agent tasks) with ``append_keys``, which Powertools keeps in one dict per formatter. In
    Lambda one invocation runs at a time, so that is enough; the local target runs many
    handlers at once on threads, and the keys of one turn ended up on another's lines. Here
    they live in Powertools' own ContextVar, so each invocation (run in its own context by
    ``portal.local.functions.invoke``) logs its own keys and ``grep <turn_id>`` follows one turn.
    """

    def append_keys(self, **additional_keys: Any) -> None:
        set_context_keys(**additional_keys)

    def get_current_keys(self) -> dict[str, Any]:
        return {**self.log_format, **self.thread_safe_get_current_keys()}

    def remove_keys(self, keys: Iterable[str]) -> None:
        # A new dict (Powertools' remove_context_keys mutates one shared with the parent context).
        gone = set(keys)
        THREAD_LOCAL_KEYS.set({k: v for k, v in THREAD_LOCAL_KEYS.get().items() if k not in gone})

    def clear_state(self) -> None:
        super().clear_state()
        clear_context_keys()


# stderr: Lambda sends it to CloudWatch like stdout, and CLI commands keep stdout for results.
logger = Logger(
    service=SERVICE,
    logger_handler=logging.StreamHandler(sys.stderr),
    logger_formatter=ContextLocalFormatter(),
)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


class MetricName:
    """Every metric the portal emits, in one place (the dashboard reads these names)."""

    TURN_STARTED = "TurnStarted"
    TURN_COMPLETED = "TurnCompleted"
    TURN_FAILED = "TurnFailed"
    TOKENS_INPUT = "TokensInput"
    TOKENS_OUTPUT = "TokensOutput"
    COST_USD = "CostUsd"
    CACHE_L1_HIT = "CacheL1Hit"
    CACHE_L2_HIT = "CacheL2Hit"
    CACHE_MISS = "CacheMiss"
    WS_CONNECT = "WebSocketConnect"
    WS_DISCONNECT = "WebSocketDisconnect"
    WS_GONE = "WebSocketGone"
    RATE_LIMITED = "RateLimited"
    FILES_INGESTED = "FilesIngested"
    FILES_FAILED = "FilesFailed"
    MCP_TOOL_CALLS = "McpToolCalls"
    MCP_TOOL_FAILED = "McpToolFailed"
    WEB_SEARCHES = "WebSearches"
    WEB_SEARCH_FAILED = "WebSearchFailed"
    PAGES_FETCHED = "PagesFetched"
    PAGES_REFUSED = "PagesRefused"
    RESEARCH_STARTED = "ResearchStarted"
    RESEARCH_COMPLETED = "ResearchCompleted"
    # The Data API executor gave up waiting for a paused Aurora cluster to resume (alarmed).
    AURORA_RESUME_GAVE_UP = "AuroraResumeGaveUp"
    # A chat turn passed its deadline without an answer and was marked failed (Express timed out).
    TURN_OVERDUE = "TurnOverdue"


def emit_model_usage(model: str, *, input_tokens: int, output_tokens: int, cost_usd: float) -> None:
    """Token and cost metrics with a `model` dimension (the dashboard graphs them per model).

    A separate EMF blob: Powertools puts one dimension set on all metrics of an instance.
    """
    usage = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    usage.add_dimension(name="model", value=model)
    usage.add_metric(name=MetricName.TOKENS_INPUT, unit=MetricUnit.Count, value=input_tokens)
    usage.add_metric(name=MetricName.TOKENS_OUTPUT, unit=MetricUnit.Count, value=output_tokens)
    usage.add_metric(name=MetricName.COST_USD, unit=MetricUnit.NoUnit, value=cost_usd)
    usage.flush_metrics()
