"""Logger, Tracer and Metrics, created once and imported everywhere (Powertools).

Tracing: every function runs with Lambda's active tracing (infra/components/portal_function.py),
so X-Ray already gets each invocation's segment (with its Initialization time) joined to API
Gateway's and Step Functions' traces, without any SDK in the process. Powertools' Tracer adds
subsegments per AWS call, but constructing it imports aws_xray_sdk (~160 ms, ~25 % of the API's
import) and patches botocore; that does not pay on every cold start. It is switched on per
function with PORTAL_XRAY_SDK=true, and then built at the first invocation, not at import.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.logging.formatter import (
    THREAD_LOCAL_KEYS,
    LambdaPowertoolsFormatter,
    clear_context_keys,
    set_context_keys,
)
from aws_lambda_powertools.metrics import EphemeralMetrics, Metrics, MetricUnit

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# The names are data in portal.telemetry (infra reads them there); re-exported for the portal.
from portal.telemetry import NAMESPACE as NAMESPACE
from portal.telemetry import SERVICE as SERVICE
from portal.telemetry import MetricName as MetricName


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
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

XRAY_SDK_ENV = "PORTAL_XRAY_SDK"
Handler = TypeVar("Handler", bound=Callable[..., Any])


class LazyTracer:
    """Powertools' Tracer, built on first use and only when PORTAL_XRAY_SDK is true."""

    def __init__(self, service: str) -> None:
        self._service = service
        self._tracer: Tracer | None = None

    @property
    def enabled(self) -> bool:
        return os.environ.get(XRAY_SDK_ENV, "").lower() in ("1", "true", "yes")

    def tracer(self) -> Tracer:
        """The Powertools Tracer (imports aws_xray_sdk and patches botocore the first time)."""
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            self._tracer = Tracer(service=self._service)
        return self._tracer

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        """The handler unchanged, or (SDK on) wrapped in Powertools' handler subsegment at first call."""
        if not self.enabled:
            return handler
        traced: list[Callable[..., Any]] = []

        @functools.wraps(handler)
        def wrapper(event: Any, context: Any) -> Any:
            if not traced:
                traced.append(self.tracer().capture_lambda_handler(handler))
            return traced[0](event, context)

        return wrapper  # type: ignore[return-value]


tracer = LazyTracer(SERVICE)


def emit_model_usage(
    model: str, *, input_tokens: int, output_tokens: int, cost_usd: float, agent: str = "none"
) -> None:
    """Token and cost metrics with `agent` and `model` dimensions (the dashboard graphs both).

    A separate EMF blob: Powertools puts one dimension set on all metrics of an instance.
    """
    usage = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    usage.add_dimension(name="agent", value=agent)
    usage.add_dimension(name="model", value=model)
    usage.add_metric(name=MetricName.TOKENS_INPUT, unit=MetricUnit.Count, value=input_tokens)
    usage.add_metric(name=MetricName.TOKENS_OUTPUT, unit=MetricUnit.Count, value=output_tokens)
    usage.add_metric(name=MetricName.COST_USD, unit=MetricUnit.NoUnit, value=cost_usd)
    usage.flush_metrics()


def emit_turn(agent: str, model: str, *, failed: bool, latency_ms: float | None = None) -> None:
    """One turn's outcome (and latency) per agent and model, in its own EMF blob."""
    turn = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    turn.add_dimension(name="agent", value=agent)
    turn.add_dimension(name="model", value=model)
    turn.add_metric(
        name=MetricName.AGENT_TURN_FAILED if failed else MetricName.AGENT_TURNS,
        unit=MetricUnit.Count,
        value=1,
    )
    if latency_ms is not None:
        turn.add_metric(name=MetricName.AGENT_LATENCY_MS, unit=MetricUnit.Milliseconds, value=latency_ms)
    turn.flush_metrics()
