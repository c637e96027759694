"""Aurora PostgreSQL Serverless v2 with the Data API: the portal's relational store and pgvector."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from portal.db.app_role import APP_ROLE  # migration 0010's role: rows only, no DDL

from infra.components.defaults import retention
from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import suppress

DB_NAME = "portal"
# What the Data API lets a caller do on the cluster (aws-cdk-lib's DATA_API_ACTIONS).
DATA_API_ACTIONS = (
    "rds-data:BatchExecuteStatement",
    "rds-data:BeginTransaction",
    "rds-data:CommitTransaction",
    "rds-data:ExecuteStatement",
    "rds-data:RollbackTransaction",
)


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
        # The cluster's master user: DDL and role management. Only the migrate function holds it.
        self.admin_secret = self.cluster.secret
        # The application role's login (migrate sets the role's password from it after each run).
        # master_secret records which secret may change it, for multi-user rotation later.
        app_secret = rds.DatabaseSecret(self, "AppSecret", username=APP_ROLE, master_secret=self.admin_secret)
        self.app_secret = app_secret.attach(self.cluster)
        rotation = (
            "Rotating a Data API secret needs a rotation Lambda inside the VPC plus a Secrets "
            "Manager endpoint or NAT (~$7+/month idle); rotate by hand or opt in when networking exists."
        )
        # The generated secrets themselves (cluster.secret and app_secret are their attachments).
        suppress(self.cluster.node.find_child("Secret"), "AwsSolutions-SMG4", rotation)
        suppress(app_secret, "AwsSolutions-SMG4", rotation)

    def grant_data_api(self, fn: PortalFunction) -> None:
        """Let a function run SQL through the Data API as the app role (rows only, no DDL).

        Not cluster.grant_data_api_access: that also grants reading the admin secret.
        """
        self._grant(fn, self.app_secret)

    def grant_admin_data_api(self, fn: PortalFunction) -> None:
        """The migrate function: the admin secret for DDL, and the app secret to set its password."""
        self._grant(fn, self.admin_secret)
        self.app_secret.grant_read(fn.function)
        fn.add_environment(PORTAL_DB_APP_SECRET_ARN=self.app_secret.secret_arn)

    def _grant(self, fn: PortalFunction, secret: secretsmanager.ISecret) -> None:
        fn.function.add_to_role_policy(
            iam.PolicyStatement(actions=list(DATA_API_ACTIONS), resources=[self.cluster.cluster_arn])
        )
        # The Data API reads the secret with the caller's credentials.
        secret.grant_read(fn.function)
        fn.add_environment(
            PORTAL_DB_CLUSTER_ARN=self.cluster.cluster_arn,
            PORTAL_DB_SECRET_ARN=secret.secret_arn,
            PORTAL_DB_NAME=DB_NAME,
        )
