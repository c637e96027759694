"""The VPC Aurora needs: isolated subnets only, so nothing in it costs money while idle."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from infra.components.defaults import log_group
from infra.config import PortalConfig


class IsolatedNetwork(Construct):
    """No NAT gateway, no endpoints: the Lambdas stay outside and reach Aurora via the Data API."""

    def __init__(self, scope: Construct, id: str, *, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="db", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)
            ],
        )
        # Rejected traffic only: nothing should knock on an isolated database, so this log stays tiny.
        self.vpc.add_flow_log(
            "RejectedFlows",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(log_group(self, "FlowLogs", config)),
            traffic_type=ec2.FlowLogTrafficType.REJECT,
        )
