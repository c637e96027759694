"""The X-Ray SDK is opt-in (PORTAL_XRAY_SDK) and, when on, built at the first invocation."""

from __future__ import annotations

import pytest
from portal.observability import XRAY_SDK_ENV, LazyTracer


def handler(event: dict, context: object) -> dict:
    return {"echo": event["n"]}


def test_without_the_switch_the_handler_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(XRAY_SDK_ENV, raising=False)
    tracer = LazyTracer("test")
    assert tracer.capture_lambda_handler(handler) is handler
    assert tracer._tracer is None


def test_with_the_switch_the_tracer_is_built_at_the_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(XRAY_SDK_ENV, "true")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")  # no X-Ray daemon here
    tracer = LazyTracer("test")
    traced = tracer.capture_lambda_handler(handler)
    assert traced is not handler and tracer._tracer is None  # nothing built at import
    assert traced({"n": 1}, object()) == {"echo": 1}
    assert tracer._tracer is not None
    assert traced({"n": 2}, object()) == {"echo": 2}
