"""Opt-in OpenSearch Serverless vector collection for large corpora (`-c opensearch=true`).

Off by default: pgvector in Aurora costs nothing extra while idle, whereas a collection
bills OCU-hours around the clock.
"""

from __future__ import annotations

import json

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchserverless as aoss
from constructs import Construct

from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig


class VectorCollection(Construct):
    """A VECTORSEARCH collection reachable by IAM-signed requests from Lambdas outside any VPC."""

    def __init__(self, scope: Construct, id: str, *, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.stage = config.stage.lower()
        self.name = f"portal-{self.stage}-vectors"  # 3-32 lowercase characters
        resource = [f"collection/{self.name}"]
        encryption = aoss.CfnSecurityPolicy(
            self,
            "Encryption",
            name=f"{self.name}-enc",
            type="encryption",
            # AWS-owned key: no customer key to pay for.
            policy=json.dumps(
                {"Rules": [{"ResourceType": "collection", "Resource": resource}], "AWSOwnedKey": True}
            ),
        )
        network = aoss.CfnSecurityPolicy(
            self,
            "Network",
            name=f"{self.name}-net",
            type="network",
            # The Lambdas have no VPC; every request is still SigV4-signed and checked
            # against the data access policies below.
            policy=json.dumps(
                [{"Rules": [{"ResourceType": "collection", "Resource": resource}], "AllowFromPublic": True}]
            ),
        )
        self.collection = aoss.CfnCollection(
            self,
            "Collection",
            name=self.name,
            type="VECTORSEARCH",
            standby_replicas="DISABLED",  # halves the minimum OCUs; fine below production scale
            description="ai-portal document chunks (k-NN + BM25)",
        )
        self.collection.add_dependency(encryption)
        self.collection.add_dependency(network)

    def grant_index_access(self, scope: Construct, id: str, functions: list[PortalFunction]) -> None:
        """A data access policy (in the caller's stack) plus IAM for the given functions."""
        roles = [fn.role.role_arn for fn in functions]
        aoss.CfnAccessPolicy(
            scope,
            id,
            name=f"portal-{self.stage}-{id.lower()}"[:32],
            type="data",
            policy=Stack.of(scope).to_json_string(
                [
                    {
                        "Rules": [
                            {
                                "ResourceType": "index",
                                "Resource": [f"index/{self.name}/*"],
                                "Permission": [
                                    "aoss:CreateIndex",
                                    "aoss:DescribeIndex",
                                    "aoss:UpdateIndex",
                                    "aoss:ReadDocument",
                                    "aoss:WriteDocument",
                                ],
                            },
                            {
                                "ResourceType": "collection",
                                "Resource": [f"collection/{self.name}"],
                                "Permission": ["aoss:DescribeCollectionItems"],
                            },
                        ],
                        "Principal": roles,
                    }
                ]
            ),
        )
        for fn in functions:
            fn.role.add_to_principal_policy(
                iam.PolicyStatement(actions=["aoss:APIAccessAll"], resources=[self.collection.attr_arn])
            )
            fn.add_environment(
                PORTAL_VECTOR_STORE="opensearch",
                PORTAL_OPENSEARCH_ENDPOINT=self.collection.attr_collection_endpoint,
            )
