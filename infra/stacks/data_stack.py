"""Data: Aurora (Data API), DynamoDB tables, the uploads bucket, secrets, optional OpenSearch."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.bundling import LayerBuilder
from infra.components.database import PortalDatabase
from infra.components.layers import PortalLayers
from infra.components.log_bucket import AccessLogsBucket
from infra.components.migrations import SchemaMigrations
from infra.components.network import IsolatedNetwork
from infra.components.secrets import PortalSecrets
from infra.components.tables import PortalTables
from infra.components.uploads_bucket import UploadsBucket
from infra.components.vector_search import VectorCollection
from infra.config import PortalConfig


class DataStack(Stack):
    def __init__(
        self, scope: Construct, id: str, *, config: PortalConfig, builder: LayerBuilder, **kwargs: Any
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.network = IsolatedNetwork(self, "Network", config=config)
        self.database = PortalDatabase(self, "Database", vpc=self.network.vpc, config=config)
        self.tables = PortalTables(self, "Tables")
        self.access_logs = AccessLogsBucket(self, "AccessLogs", config=config)
        self.uploads = UploadsBucket(self, "Uploads", config=config, access_logs=self.access_logs.bucket)
        self.secrets = PortalSecrets(self, "Secrets")
        self.vectors = VectorCollection(self, "Vectors", config=config) if config.opensearch else None
        self.migrations = SchemaMigrations(
            self,
            "Migrations",
            database=self.database,
            layers=PortalLayers(self, "Layers", builder=builder),
            config=config,
        )

        CfnOutput(self, "DatabaseClusterArn", value=self.database.cluster.cluster_arn)
        CfnOutput(self, "DatabaseSecretArn", value=self.database.admin_secret.secret_arn)
        CfnOutput(self, "DatabaseAppSecretArn", value=self.database.app_secret.secret_arn)
        CfnOutput(
            self,
            "ProviderKeysSecretArn",
            value=self.secrets.provider_keys.secret_arn,
            description="Put ANTHROPIC_API_KEY / GOOGLE_API_KEY / TAVILY_API_KEY here (JSON)",
        )
        CfnOutput(self, "UploadsBucketName", value=self.uploads.bucket.bucket_name)
        if self.vectors:
            CfnOutput(self, "OpenSearchEndpoint", value=self.vectors.collection.attr_collection_endpoint)
