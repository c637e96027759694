"""Observability stack: a dashboard with the portal's metrics and the alarms that need a person."""

from __future__ import annotations

import json

import pytest
from portal.observability import NAMESPACE, MetricName

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


def test_alarms_cover_5xx_failed_executions_and_dead_letters(portal: Synthesized) -> None:
    alarms = list(resources(portal.json("observability"), "AWS::CloudWatch::Alarm").values())
    metrics = sorted(a["Properties"]["MetricName"] for a in alarms)
    machines = len(resources(portal.json("agents"), "AWS::StepFunctions::StateMachine"))
    assert metrics.count("5XXError") == 1
    assert metrics.count("ExecutionsFailed") == machines
    assert metrics.count("ApproximateNumberOfMessagesVisible") == 1
    for alarm in alarms:
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
        assert len(alarm["Properties"]["AlarmActions"]) == 1


def test_alarm_email_subscribes_to_the_topic(synth_variant) -> None:
    app = synth_variant(alarm_email="ops@example.com")
    app.template("observability").has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )
