"""The portal's telemetry names as data: service, metric namespace, every metric name.

Data only, no imports that build clients: infra/ reads these (dashboard, alarms, the functions'
POWERTOOLS_* environment) and must synthesize without AWS credentials or a profile, while
portal.observability creates the Logger, Tracer (an X-Ray client) and Metrics at import.
tests/unit/test_telemetry_names.py checks that portal.observability uses the same names.
"""

from __future__ import annotations

SERVICE = "ai-portal"
NAMESPACE = "AIPortal"


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
    # Per agent AND model (dimensions agent, model, service): one datapoint per answered or failed
    # turn, and its latency in milliseconds (portal.observability.emit_turn).
    AGENT_TURNS = "AgentTurns"
    AGENT_TURN_FAILED = "AgentTurnFailed"
    AGENT_LATENCY_MS = "AgentLatencyMs"
    # Budgets in money: turns or model calls refused at the limit, and warnings sent at the share.
    BUDGET_REFUSED = "BudgetRefused"
    BUDGET_WARNED = "BudgetWarned"
    # The cache's size per tier, emitted with its statistics (GET /api/admin/cache).
    CACHE_L1_ITEMS = "CacheL1Items"
