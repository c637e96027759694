"""Observability stack: a dashboard with the portal's metrics and the alarms that need a person."""

from __future__ import annotations

import json

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
    ],
)
def test_dashboard_shows(portal: Synthesized, expected: str) -> None:
    assert expected in dashboard_body(portal)


def test_token_and_cost_graphs_split_by_model(portal: Synthesized) -> None:
    body = dashboard_body(portal)
    assert f"SEARCH('{{{NAMESPACE},model,service}}" in body


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
