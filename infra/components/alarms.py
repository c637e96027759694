"""Alarms that need a person: server errors, failed workflow runs, dead letters."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.components.dashboard import DashboardSources
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
        for name, queue in sources.dead_letter_queues.items():
            self._alarm(
                f"{name.capitalize()}DeadLetters",
                queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                threshold=1,
                description=f"{name} events failed after every retry and wait in the dead-letter queue.",
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
