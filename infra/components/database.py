"""Aurora PostgreSQL Serverless v2 with the Data API: the portal's relational store and pgvector."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from constructs import Construct

from infra.components.defaults import retention
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import suppress

DB_NAME = "portal"


class PortalDatabase(Construct):
    """One serverless writer that may scale to 0 ACU; Lambdas use the Data API, never a socket."""

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, config: PortalConfig) -> None:
        super().__init__(scope, id)
        major = config.aurora_engine_version.split(".")[0]
        identifier = f"portal-{config.stage.lower()}"
        # Created before the cluster so its retention applies (RDS would make one that keeps logs forever).
        self.log_group = logs.LogGroup(
            self,
            "PostgresLogs",
            log_group_name=f"/aws/rds/cluster/{identifier}/postgresql",
            retention=retention(config),
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            cluster_identifier=identifier,
            engine=rds.DatabaseClusterEngine.aurora_postgres(
                version=rds.AuroraPostgresEngineVersion.of(config.aurora_engine_version, major)
            ),
            writer=rds.ClusterInstance.serverless_v2("Writer", auto_minor_version_upgrade=True),
            serverless_v2_min_capacity=config.aurora_min_capacity,
            serverless_v2_max_capacity=config.aurora_max_capacity,
            serverless_v2_auto_pause_duration=(
                Duration.minutes(config.aurora_auto_pause_minutes)
                if config.aurora_min_capacity == 0
                else None
            ),
            enable_data_api=True,
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            default_database_name=DB_NAME,
            credentials=rds.Credentials.from_generated_secret("portal_admin"),
            storage_encrypted=True,  # the AWS-managed aws/rds key: no monthly key charge
            iam_authentication=True,
            cloudwatch_logs_exports=["postgresql"],
            backup=rds.BackupProps(retention=Duration.days(7)),
            copy_tags_to_snapshot=True,
            deletion_protection=config.retain_data,
            removal_policy=RemovalPolicy.SNAPSHOT if config.retain_data else RemovalPolicy.DESTROY,
        )
        self.cluster.node.add_dependency(self.log_group)
        assert self.cluster.secret is not None  # from_generated_secret always makes one
        self.secret = self.cluster.secret
        suppress(
            # The generated secret itself (cluster.secret is its attachment to the cluster).
            self.cluster.node.find_child("Secret"),
            "AwsSolutions-SMG4",
            "Rotating the Data API secret needs a rotation Lambda inside the VPC plus a Secrets "
            "Manager endpoint or NAT (~$7+/month idle); rotate by hand or opt in when networking exists.",
        )

    def grant_data_api(self, fn: PortalFunction) -> None:
        """Let a function run SQL through the Data API, and tell it which cluster and database."""
        self.cluster.grant_data_api_access(fn.function)
        fn.add_environment(
            PORTAL_DB_CLUSTER_ARN=self.cluster.cluster_arn,
            PORTAL_DB_SECRET_ARN=self.secret.secret_arn,
            PORTAL_DB_NAME=DB_NAME,
        )
