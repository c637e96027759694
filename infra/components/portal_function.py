"""The one helper that gives every portal Lambda function its defaults."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from portal.telemetry import NAMESPACE, SERVICE

from infra.bundling import dir_size
from infra.components.defaults import log_group
from infra.components.layers import ARCHITECTURE, RUNTIME, PortalLayers
from infra.config import PortalConfig
from infra.functions import FunctionSpec
from infra.nag import suppress

# Never part of a function's code asset (each function ships only its own code).
CODE_EXCLUDES = ("__pycache__", "*.pyc", "tests", "test_*.py", "*_test.py", ".pytest_cache")


class PortalFunction(Construct):
    """A Python function on arm64, outside any VPC, traced, logging to its own log group.

    Permissions are added by the resources it uses (their grant_* methods), which also
    set the environment variable that tells the portal's settings where they are.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: FunctionSpec,
        layers: PortalLayers,
        config: PortalConfig,
        environment: dict[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        spec.check_exists()
        self.spec = spec
        self.log_group = log_group(self, "Logs", config)
        # Our own role instead of AWSLambdaBasicExecutionRole: logs go to this log group only.
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"ai-portal {spec.name} function",
        )
        self.log_group.grant_write(self.role)
        layers.report_size(
            spec, dir_size(spec.code_dir, frozenset({"__pycache__", "tests", ".pytest_cache"}))
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=lambda_.Code.from_asset(str(spec.code_dir), exclude=list(CODE_EXCLUDES)),
            layers=layers.layers_for(spec),
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            role=self.role,
            environment={
                "PORTAL_ENVIRONMENT": "aws",
                "POWERTOOLS_SERVICE_NAME": SERVICE,
                "POWERTOOLS_METRICS_NAMESPACE": NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": config.log_level,
                # Responses carry users' messages; traces should not.
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
                **(environment or {}),
            },
        )
        suppress(
            self.role,
            "AwsSolutions-IAM5",
            "Active tracing needs xray:PutTraceSegments/PutTelemetryRecords, which support no "
            "resource-level permissions; tests check that only X-Ray actions use Resource '*'.",
            applies_to=["Resource::*"],
        )

    @property
    def function_arn(self) -> str:
        return self.function.function_arn

    def add_environment(self, **variables: str) -> None:
        """Tell the portal's settings where a resource is (called by the resource's grant)."""
        for key, value in variables.items():
            self.function.add_environment(key, value)
