"""The portal's Lambda layers, as LayerVersions of one stack.

Each stack makes its own LayerVersions from the same cached bundles (same asset hash, so
uploaded once): a layer ARN exported across stacks changes on every rebuild, and
CloudFormation refuses to update an export that another stack imports.
"""

from __future__ import annotations

from aws_cdk import AssetHashType
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.bundling import Bundle, LayerBuilder
from infra.functions import FunctionSpec

RUNTIME = lambda_.Runtime.PYTHON_3_14  # bundling.PYTHON_VERSION builds wheels for this runtime
ARCHITECTURE = lambda_.Architecture.ARM_64  # cheaper per GB-second; wheels are aarch64


class PortalLayers(Construct):
    """Creates a layer the first time a function of this stack asks for it."""

    def __init__(self, scope: Construct, id: str, *, builder: LayerBuilder) -> None:
        super().__init__(scope, id)
        self._builder = builder
        self._layers: dict[str, lambda_.LayerVersion] = {}

    def bundles_for(self, spec: FunctionSpec) -> list[Bundle]:
        """The bundles a function runs with, in /opt order: dependencies first, portal last."""
        return [self._builder.get(layer.value) for layer in spec.layers] + [self._builder.get("portal")]

    def report_size(self, spec: FunctionSpec, code_bytes: int) -> None:
        """Print the function's unzipped size with its layers; stop synth past Lambda's limit."""
        self._builder.report_function(spec.name, code_bytes, self.bundles_for(spec))

    def layers_for(self, spec: FunctionSpec) -> list[lambda_.ILayerVersion]:
        return [self._layer(bundle) for bundle in self.bundles_for(spec)]

    def _layer(self, bundle: Bundle) -> lambda_.LayerVersion:
        name = bundle.name.split("(")[0]
        if name not in self._layers:
            self._layers[name] = lambda_.LayerVersion(
                self,
                name.capitalize(),
                code=lambda_.Code.from_asset(
                    str(bundle.path), asset_hash=bundle.key, asset_hash_type=AssetHashType.CUSTOM
                ),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=f"ai-portal {name} layer ({bundle.key})",
            )
        return self._layers[name]
