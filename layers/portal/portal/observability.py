"""Logger, Tracer and Metrics, created once and imported everywhere (Powertools)."""

from __future__ import annotations

import logging
import sys

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "ai-portal"
NAMESPACE = "AIPortal"

# stderr: Lambda sends it to CloudWatch like stdout, and CLI commands keep stdout for results.
logger = Logger(service=SERVICE, logger_handler=logging.StreamHandler(sys.stderr))
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
