"""The portal's CloudWatch dashboard: traffic, latency, errors, workflows, tokens, cost and turns by
agent and model, budgets, cache, sockets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from portal.telemetry import NAMESPACE, SERVICE, MetricName

PERIOD = Duration.minutes(5)
WIDTH = 8  # three graphs per 24-column row


@dataclass(frozen=True)
class DashboardSources:
    """What the dashboard watches; every field is a resource of another stack."""

    rest_api: apigw.IRestApi
    rest_stage: str
    web_socket_api: apigwv2.IWebSocketApi
    web_socket_stage: str
    state_machines: dict[str, sfn.IStateMachine]
    functions: dict[str, lambda_.IFunction]
    dead_letter_queues: dict[str, sqs.IQueue]


def portal_metric(name: str, label: str, statistic: str = "Sum") -> cw.Metric:
    """A metric the portal emits through Powertools (dimension service=ai-portal)."""
    return cw.Metric(
        namespace=NAMESPACE,
        metric_name=name,
        dimensions_map={"service": SERVICE},
        statistic=statistic,
        period=PERIOD,
        label=label,
    )


def by_agent_and_model(name: str, label: str, statistic: str = "Sum") -> cw.MathExpression:
    """One line per (agent, model): usage and turn metrics carry both dimensions (EMF)."""
    return cw.MathExpression(
        expression=(
            f"SEARCH('{{{NAMESPACE},agent,model,service}} MetricName=\"{name}\"', "
            f"'{statistic}', {PERIOD.to_seconds()})"
        ),
        label=label,
        period=PERIOD,
        using_metrics={},
    )


def graph(
    title: str, left: Sequence[cw.IMetric], *, right: Sequence[cw.IMetric] | None = None
) -> cw.GraphWidget:
    return cw.GraphWidget(title=title, left=list(left), right=list(right or []), width=WIDTH, height=6)


class PortalDashboard(Construct):
    """One dashboard (the first three are free), under 50 metrics so it stays in the free tier."""

    def __init__(self, scope: Construct, id: str, *, sources: DashboardSources, stage: str) -> None:
        super().__init__(scope, id)
        api = sources.rest_api
        ws_dims = {"ApiId": sources.web_socket_api.api_id, "Stage": sources.web_socket_stage}

        def ws_metric(name: str, label: str) -> cw.Metric:
            return cw.Metric(
                namespace="AWS/ApiGateway",
                metric_name=name,
                dimensions_map=ws_dims,
                statistic="Sum",
                period=PERIOD,
                label=label,
            )

        def rest(metric: str, statistic: str, label: str) -> cw.Metric:
            return cw.Metric(
                namespace="AWS/ApiGateway",
                metric_name=metric,
                dimensions_map={"ApiName": api.rest_api_name, "Stage": sources.rest_stage},
                statistic=statistic,
                period=PERIOD,
                label=label,
            )

        machines = sources.state_machines
        self.dashboard = cw.Dashboard(
            self,
            "Dashboard",
            dashboard_name=f"ai-portal-{stage}",
            default_interval=Duration.hours(3),
            widgets=[
                [
                    graph(
                        "Requests",
                        [rest("Count", "Sum", "REST requests")],
                        right=[ws_metric("MessageCount", "WebSocket messages")],
                    ),
                    graph(
                        "REST latency (ms)",
                        [rest("Latency", s, s) for s in ("p50", "p90", "p99")]
                        + [rest("IntegrationLatency", "p90", "integration p90")],
                    ),
                    graph("REST errors", [rest("4XXError", "Sum", "4xx"), rest("5XXError", "Sum", "5xx")]),
                ],
                [
                    graph(
                        "Function errors",
                        [
                            fn.metric_errors(period=PERIOD, label=name)
                            for name, fn in sources.functions.items()
                        ],
                    ),
                    graph(
                        "Workflow executions",
                        [
                            m.metric_started(period=PERIOD, label=f"{name} started")
                            for name, m in machines.items()
                        ],
                        right=[
                            m.metric_failed(period=PERIOD, label=f"{name} failed")
                            for name, m in machines.items()
                        ]
                        + [
                            m.metric_timed_out(period=PERIOD, label=f"{name} timed out")
                            for name, m in machines.items()
                        ],
                    ),
                    graph(
                        "Turns",
                        [
                            portal_metric(MetricName.TURN_STARTED, "started"),
                            portal_metric(MetricName.TURN_COMPLETED, "completed"),
                            portal_metric(MetricName.TURN_FAILED, "failed"),
                        ],
                    ),
                ],
                [
                    graph(
                        "Tokens by agent and model",
                        [by_agent_and_model(MetricName.TOKENS_INPUT, "input")],
                        right=[by_agent_and_model(MetricName.TOKENS_OUTPUT, "output")],
                    ),
                    graph("Cost (USD) by agent and model", [by_agent_and_model(MetricName.COST_USD, "cost")]),
                    graph(
                        "Turns by agent and model",
                        [by_agent_and_model(MetricName.AGENT_TURNS, "answered")],
                        right=[by_agent_and_model(MetricName.AGENT_TURN_FAILED, "failed")],
                    ),
                ],
                [
                    graph(
                        "Turn latency by agent and model (ms)",
                        [by_agent_and_model(MetricName.AGENT_LATENCY_MS, "p50", "p50")],
                        right=[by_agent_and_model(MetricName.AGENT_LATENCY_MS, "p95", "p95")],
                    ),
                    graph(
                        "Budgets",
                        [
                            portal_metric(MetricName.BUDGET_REFUSED, "refused at the limit"),
                            portal_metric(MetricName.BUDGET_WARNED, "warned at the share"),
                        ],
                    ),
                    graph(
                        "Cache size",
                        [portal_metric(MetricName.CACHE_L1_ITEMS, "L1 items (per container)", "Maximum")],
                    ),
                ],
                [
                    graph(
                        "Cache hits by level",
                        [
                            portal_metric(MetricName.CACHE_L1_HIT, "L1 (memory)"),
                            portal_metric(MetricName.CACHE_L2_HIT, "L2 (DynamoDB)"),
                            portal_metric(MetricName.CACHE_MISS, "miss"),
                        ],
                    ),
                    graph(
                        "WebSocket connections",
                        [
                            ws_metric("ConnectCount", "connects (API Gateway)"),
                            portal_metric(MetricName.WS_CONNECT, "accepted"),
                            portal_metric(MetricName.WS_DISCONNECT, "disconnected"),
                            portal_metric(MetricName.WS_GONE, "gone (410)"),
                        ],
                    ),
                    graph(
                        "Ingest",
                        [
                            portal_metric(MetricName.FILES_INGESTED, "files ingested"),
                            portal_metric(MetricName.FILES_FAILED, "files failed"),
                        ],
                        right=[
                            q.metric_approximate_number_of_messages_visible(
                                period=PERIOD, label=f"{name} dead letters"
                            )
                            for name, q in sources.dead_letter_queues.items()
                        ],
                    ),
                ],
            ],
        )
