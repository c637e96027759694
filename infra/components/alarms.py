"""Alarms that need a person: server errors, failed or timed-out workflow runs, function errors
and throttles, dead letters, and an Aurora cluster that did not wake up in time."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct
from portal.telemetry import MetricName

from infra.components.dashboard import DashboardSources, portal_metric
from infra.config import PortalConfig

PERIOD = Duration.minutes(5)


class PortalAlarms(Construct):
    """Each alarm is $0.10/month (the first ten are free); all notify one SNS topic."""

    def __init__(self, scope: Construct, id: str, *, sources: DashboardSources, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self, "Topic", display_name=f"ai-portal {config.stage} alarms", enforce_ssl=True
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        self.alarms: list[cw.Alarm] = []
        api_dims = {"ApiName": sources.rest_api.rest_api_name, "Stage": sources.rest_stage}
        self._alarm(
            "Api5xx",
            cw.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map=api_dims,
                statistic="Sum",
                period=PERIOD,
            ),
            threshold=5,
            description="The REST API answered 5xx at least 5 times in 5 minutes; find the correlation ids in the API logs.",
        )
        for name, machine in sources.state_machines.items():
            self._alarm(
                f"{name.capitalize()}ExecutionsFailed",
                machine.metric_failed(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"A {name} workflow execution failed (the failure handler ran or could not).",
            )
            self._alarm(
                f"{name.capitalize()}ExecutionsTimedOut",
                machine.metric_timed_out(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"A {name} workflow execution hit its time limit, so no Catch ran: its turn is "
                "marked failed when the user's screen next asks (TurnOverdue); check which task was slow.",
            )
        for name, function in sorted(sources.functions.items()):
            label = "".join(part.capitalize() for part in name.split("_"))
            self._alarm(
                f"{label}Errors",
                function.metric_errors(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"The {name} function ended with an error; its log group has the stack trace.",
            )
            self._alarm(
                f"{label}Throttles",
                function.metric_throttles(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"The {name} function was throttled: raise the account's concurrency quota "
                "or reserve concurrency for it.",
            )
        ws_dims = {"ApiId": sources.web_socket_api.api_id, "Stage": sources.web_socket_stage}
        self._alarm(
            "WebSocket5xx",
            cw.MathExpression(
                # WebSocket APIs have no 5XXError metric: these two count the server-side failures.
                expression="execution + integration",
                using_metrics={
                    "execution": cw.Metric(
                        namespace="AWS/ApiGateway",
                        metric_name="ExecutionError",
                        dimensions_map=ws_dims,
                        statistic="Sum",
                        period=PERIOD,
                    ),
                    "integration": cw.Metric(
                        namespace="AWS/ApiGateway",
                        metric_name="IntegrationError",
                        dimensions_map=ws_dims,
                        statistic="Sum",
                        period=PERIOD,
                    ),
                },
                label="WebSocket execution + integration errors",
                period=PERIOD,
            ),
            threshold=5,
            description="The WebSocket API failed to run its function at least 5 times in 5 minutes; "
            "see the ws function's log group and the WebSocket access log.",
        )
        for name, queue in sources.dead_letter_queues.items():
            self._alarm(
                f"{name.capitalize()}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                threshold=1,
                description=f"{name} events failed after every retry and wait in the dead-letter queue.",
            )
        self._alarm(
            "AuroraResumeGaveUp",
            portal_metric(MetricName.AURORA_RESUME_GAVE_UP, "Aurora resume waits given up"),
            threshold=1,
            description="Aurora did not resume within a request's wait, so users got 503 '데이터베이스를 "
            "깨우는 중입니다'. If it repeats, check the cluster's events or raise aurora_min_capacity.",
        )
        self._alarm(
            "TurnsOverdue",
            portal_metric(MetricName.TURN_OVERDUE, "Turns past their deadline"),
            threshold=1,
            description="A chat turn ended without an answer or failure (an Express time-out or a failure "
            "handler that failed) and was marked failed later; see the chat workflow's log group.",
        )

    def _alarm(self, id: str, metric: cw.IMetric, *, threshold: float, description: str) -> None:
        alarm = cw.Alarm(
            self,
            id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # No traffic is the normal idle state, not a problem.
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.topic))
        self.alarms.append(alarm)
