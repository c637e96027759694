"""Small defaults shared by several constructs: log groups and what happens to data on destroy."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import ConfigError, PortalConfig

_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
}


def retention(config: PortalConfig) -> logs.RetentionDays:
    """Log retention from context; CloudWatch accepts only certain day counts."""
    try:
        return _RETENTION[config.log_retention_days]
    except KeyError:
        raise ConfigError(f"log_retention_days must be one of {sorted(_RETENTION)}") from None


def data_removal(config: PortalConfig) -> RemovalPolicy:
    """Keep user data on `cdk destroy` unless the deployer said otherwise (retain_data=false)."""
    return RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY


def log_group(scope: Construct, id: str, config: PortalConfig, *, name: str | None = None) -> logs.LogGroup:
    """A log group with the deployment's retention; logs are operational, not user data."""
    return logs.LogGroup(
        scope,
        id,
        log_group_name=name,
        retention=retention(config),
        removal_policy=RemovalPolicy.DESTROY,
    )
