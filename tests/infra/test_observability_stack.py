"""Observability stack: a dashboard with the portal's metrics and the alarms that need a person."""

from __future__ import annotations

import json
from typing import Any

import pytest
from portal.observability import NAMESPACE, MetricName

from infra.functions import ALL_FUNCTIONS
from tests.infra.helpers import Synthesized, resources

pytestmark = pytest.mark.infra


def dashboard_body(portal: Synthesized) -> str:
    dashboard = next(iter(resources(portal.json("observability"), "AWS::CloudWatch::Dashboard").values()))
    return json.dumps(dashboard["Properties"]["DashboardBody"])


@pytest.mark.parametrize(
    "expected",
    [
        '\\"Count\\"',
        "Latency",
        "5XXError",
        "ExecutionsFailed",
        "ExecutionsStarted",
        "ConnectCount",
        "ApproximateNumberOfMessagesVisible",
        MetricName.TOKENS_INPUT,
        MetricName.TOKENS_OUTPUT,
        MetricName.COST_USD,
        MetricName.CACHE_L1_HIT,
        MetricName.CACHE_L2_HIT,
        MetricName.CACHE_MISS,
        MetricName.WS_CONNECT,
        MetricName.TURN_FAILED,
        MetricName.AGENT_TURNS,
        MetricName.AGENT_TURN_FAILED,
        MetricName.AGENT_LATENCY_MS,
        MetricName.BUDGET_REFUSED,
        MetricName.BUDGET_WARNED,
        MetricName.CACHE_L1_ITEMS,
    ],
)
def test_dashboard_shows(portal: Synthesized, expected: str) -> None:
    assert expected in dashboard_body(portal)


def dashboard_expressions(portal: Synthesized) -> list[str]:
    """Every metric-math expression of the dashboard (the body is a Fn::Join of JSON text and refs)."""
    parts = next(iter(resources(portal.json("observability"), "AWS::CloudWatch::Dashboard").values()))
    joined = parts["Properties"]["DashboardBody"]["Fn::Join"][1]
    body = json.loads("".join(p if isinstance(p, str) else "REF" for p in joined))
    found = []
    for widget in body["widgets"]:
        for metric in widget.get("properties", {}).get("metrics", []):
            found.extend(m["expression"] for m in metric if isinstance(m, dict) and "expression" in m)
    return found


def _emitted_dimensions(emit: Any, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    emit()
    blob = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return blob["_aws"]["CloudWatchMetrics"][0]["Dimensions"]


@pytest.mark.parametrize(
    ("metric", "statistic"),
    [
        (MetricName.TOKENS_INPUT, "Sum"),
        (MetricName.TOKENS_OUTPUT, "Sum"),
        (MetricName.COST_USD, "Sum"),
        (MetricName.AGENT_TURNS, "Sum"),
        (MetricName.AGENT_TURN_FAILED, "Sum"),
        (MetricName.AGENT_LATENCY_MS, "p95"),
    ],
    ids=["tokens-in", "tokens-out", "cost", "turns", "failed", "latency-p95"],
)
def test_usage_turn_and_latency_graphs_split_by_agent_and_model(
    portal: Synthesized, metric: str, statistic: str
) -> None:
    assert (
        f"SEARCH('{{{NAMESPACE},agent,model,service}} MetricName=\"{metric}\"', '{statistic}', 300)"
        in dashboard_expressions(portal)
    )


def test_the_dashboard_searches_the_dimension_set_the_portal_emits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What portal.observability writes as EMF: one dimension set, agent + model + service, for
    # usage and for turns; the SEARCH schema above names exactly these (in any order).
    from portal.observability import emit_model_usage, emit_turn

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # as in Lambda: EMF on stdout
    usage = _emitted_dimensions(
        lambda: emit_model_usage(
            "claude-haiku-4-5", agent="tax", input_tokens=1, output_tokens=2, cost_usd=0.1
        ),
        capsys,
    )
    turn = _emitted_dimensions(lambda: emit_turn("tax", "claude-haiku-4-5", failed=True), capsys)
    assert [sorted(d) for d in usage] == [sorted(d) for d in turn] == [["agent", "model", "service"]]


def _alarms(portal: Synthesized) -> list[dict]:
    return [
        a["Properties"] for a in resources(portal.json("observability"), "AWS::CloudWatch::Alarm").values()
    ]


def _alarm_metric_names(alarm: dict) -> set[str]:
    if "MetricName" in alarm:
        return {alarm["MetricName"]}
    return {m["MetricStat"]["Metric"]["MetricName"] for m in alarm.get("Metrics", []) if "MetricStat" in m}


def test_every_alarm_notifies_the_topic_and_stays_quiet_without_traffic(portal: Synthesized) -> None:
    topic = next(iter(resources(portal.json("observability"), "AWS::SNS::Topic")))
    for alarm in _alarms(portal):
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == [{"Ref": topic}]
        assert alarm["AlarmDescription"]  # what to look at, for the person paged


@pytest.mark.parametrize(
    ("metric", "how_many"),
    [
        ("5XXError", lambda p: 1),
        ("ExecutionsFailed", lambda p: _machines(p)),
        ("ExecutionsTimedOut", lambda p: _machines(p)),
        ("ApproximateNumberOfMessagesVisible", lambda p: 1),
        (MetricName.AURORA_RESUME_GAVE_UP, lambda p: 1),
        (MetricName.TURN_OVERDUE, lambda p: 1),
        ("Errors", lambda p: _portal_functions(p)),
        ("Throttles", lambda p: _portal_functions(p)),
    ],
)
def test_alarms_cover(portal: Synthesized, metric: str, how_many) -> None:
    found = [a for a in _alarms(portal) if metric in _alarm_metric_names(a)]
    assert len(found) == how_many(portal), [a["AlarmDescription"] for a in found]


def test_each_portal_function_has_its_own_error_and_throttle_alarm(portal: Synthesized) -> None:
    dims = {
        (a["MetricName"], json.dumps(a["Dimensions"], sort_keys=True))
        for a in _alarms(portal)
        if a.get("MetricName") in ("Errors", "Throttles")
    }
    assert len(dims) == 2 * _portal_functions(portal)


def test_websocket_server_errors_alarm(portal: Synthesized) -> None:
    (alarm,) = [
        a for a in _alarms(portal) if {"ExecutionError", "IntegrationError"} <= _alarm_metric_names(a)
    ]
    assert alarm["Threshold"] == 5


def test_portal_metric_alarms_read_what_the_portal_emits(portal: Synthesized) -> None:
    for name in (MetricName.AURORA_RESUME_GAVE_UP, MetricName.TURN_OVERDUE):
        (alarm,) = [a for a in _alarms(portal) if name in _alarm_metric_names(a)]
        metric = alarm.get("Metrics", [{}])[0].get("MetricStat", {}).get("Metric", alarm)
        assert metric["Namespace"] == NAMESPACE
        assert metric["Dimensions"] == [{"Name": "service", "Value": "ai-portal"}]


def _machines(portal: Synthesized) -> int:
    return len(resources(portal.json("agents"), "AWS::StepFunctions::StateMachine"))


def _portal_functions(portal: Synthesized) -> int:
    # Every function of infra/functions.py (not CDK's own helpers, such as the web upload's).
    return len(ALL_FUNCTIONS)


def test_alarm_email_subscribes_to_the_topic(synth_variant) -> None:
    app = synth_variant(alarm_email="ops@example.com")
    app.template("observability").has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )


def test_cross_stack_references_are_strong_exports(portal: Synthesized) -> None:
    # A strong reference (Export/ImportValue) cannot go stale: CloudFormation refuses to replace an
    # exported value while a consumer uses it. A weak one (Fn::GetStackOutput) is read at deploy
    # time and then kept, so a consumer can point at a resource the producer since replaced.
    templates = json.dumps(portal.all_json())
    assert "Fn::ImportValue" in templates
    assert "Fn::GetStackOutput" not in templates
