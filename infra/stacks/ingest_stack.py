"""Ingest: uploaded files -> the ingest function (extract, chunk, embed, index), with a DLQ."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct
from portal.tables import CONNECTIONS, IDEMPOTENCY

from infra.bundling import LayerBuilder
from infra.components.bedrock_access import grant_model_invocation
from infra.components.ingest_pipeline import IngestPipeline
from infra.components.layers import PortalLayers
from infra.components.portal_function import PortalFunction
from infra.components.tables import Access
from infra.config import PortalConfig
from infra.functions import INGEST
from infra.stacks.data_stack import DataStack
from infra.stacks.realtime_stack import RealtimeStack


class IngestStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: PortalConfig,
        builder: LayerBuilder,
        data: DataStack,
        realtime: RealtimeStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        layers = PortalLayers(self, "Layers", builder=builder)
        self.function = PortalFunction(self, "IngestFunction", spec=INGEST, layers=layers, config=config)
        fn = self.function
        data.database.grant_data_api(fn)
        data.tables.grant(fn, IDEMPOTENCY, Access.READ_WRITE)
        # file.status events go to the owner's sockets (a gone socket is deleted).
        data.tables.grant(fn, CONNECTIONS, Access.READ_DELETE)
        realtime.web_socket.grant_post_to_connections(fn)
        data.uploads.grant_ingest(fn)
        # Gemini captions/OCR for images and scanned pages when a Google key is configured.
        data.secrets.grant_provider_keys(fn)
        grant_model_invocation(fn, config, chat=False)
        if data.vectors:
            data.vectors.grant_index_access(self, "IngestVectors", [fn])

        # Imported here, so the notification lives in this stack: the Data stack must not
        # depend on the function (that would be a cycle).
        uploads = s3.Bucket.from_bucket_attributes(
            self,
            "Uploads",
            bucket_arn=data.uploads.bucket.bucket_arn,
            bucket_name=data.uploads.bucket.bucket_name,
        )
        self.pipeline = IngestPipeline(self, "Pipeline", function=fn, bucket=uploads)
