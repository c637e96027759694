"""Token and cost metrics carry the model as a dimension (the dashboard graphs them per model)."""

from __future__ import annotations

import json

import pytest
from portal.observability import NAMESPACE, emit_model_usage


def test_model_usage_is_one_emf_blob_with_a_model_dimension(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    emit_model_usage("claude-sonnet-4-6", input_tokens=120, output_tokens=30, cost_usd=0.00081)
    blob = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    directive = blob["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == NAMESPACE
    assert sorted(directive["Dimensions"][0]) == ["model", "service"]
    assert blob["model"] == "claude-sonnet-4-6"
    assert (blob["TokensInput"], blob["TokensOutput"], blob["CostUsd"]) == ([120.0], [30.0], [0.00081])


def test_nothing_is_printed_when_metrics_are_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    emit_model_usage("offline", input_tokens=1, output_tokens=1, cost_usd=0.0)
    assert capsys.readouterr().out == ""
