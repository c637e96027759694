"""The synthesized app as a deployer gets it: cdk.out's templates, functions, and concrete values.

CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::GetStackOutput, Fn::ImportValue)
are resolved to deterministic names and ARNs, which world.py gives the moto resources it makes from
the same templates: a function's environment, its role's policies and the resources all agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

REGION = "ap-northeast-2"
ACCOUNT = "123456789012"  # moto's default account
PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": None,
}


class UnresolvableError(ValueError):
    """An intrinsic this resolver does not know; failing beats guessing a name."""


@dataclass(frozen=True)
class DeployedFunction:
    """One AWS::Lambda::Function of the synthesized app."""

    stack: str
    logical_id: str
    spec_name: str | None  # its infra/functions.py name; None for CDK's own helper functions
    properties: dict[str, Any]
    code_dir: Path | None
    layer_dirs: tuple[Path, ...]

    @property
    def key(self) -> str:
        return self.spec_name or f"{self.stack}/{self.logical_id}"

    @property
    def handler(self) -> str:
        return str(self.properties.get("Handler", ""))

    @property
    def memory_mb(self) -> int:
        return int(self.properties.get("MemorySize", 128))

    @property
    def timeout_seconds(self) -> int:
        return int(self.properties.get("Timeout", 3))

    @property
    def role_logical_id(self) -> str:
        return str(self.properties["Role"]["Fn::GetAtt"][0])

    @property
    def raw_environment(self) -> dict[str, Any]:
        return dict(self.properties.get("Environment", {}).get("Variables", {}))


@dataclass
class CloudAssembly:
    """cdk.out: one template per stack, and the asset directories next to them."""

    outdir: Path
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, outdir: Path) -> CloudAssembly:
        manifest = json.loads((outdir / "manifest.json").read_text())
        templates = {
            name: json.loads((outdir / artifact["properties"]["templateFile"]).read_text())
            for name, artifact in manifest["artifacts"].items()
            if artifact["type"] == "aws:cloudformation:stack"
        }
        return cls(outdir=outdir, templates=templates)

    def resources(self, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
        """(stack, logical id, resource) of every resource of this type, in every stack."""
        return [
            (stack, logical, resource)
            for stack, template in self.templates.items()
            for logical, resource in template.get("Resources", {}).items()
            if resource["Type"] == kind
        ]

    def resource(self, stack: str, logical: str) -> dict[str, Any]:
        return dict(self.templates[stack]["Resources"][logical])

    def asset_dir(self, resource: dict[str, Any]) -> Path | None:
        path = resource.get("Metadata", {}).get("aws:asset:path")
        return self.outdir / path if path else None

    @cached_property
    def functions(self) -> list[DeployedFunction]:
        """Every Lambda function, the portal's matched to infra/functions.py by description."""
        from infra.functions import ALL_FUNCTIONS

        by_description = {spec.description: spec.name for spec in ALL_FUNCTIONS}
        found = []
        for stack, logical, resource in self.resources("AWS::Lambda::Function"):
            props = resource["Properties"]
            layer_dirs = tuple(
                d
                for ref in props.get("Layers", [])
                if isinstance(ref, dict) and "Ref" in ref
                for d in [self.asset_dir(self.resource(stack, ref["Ref"]))]
                if d is not None
            )
            found.append(
                DeployedFunction(
                    stack=stack,
                    logical_id=logical,
                    spec_name=by_description.get(str(props.get("Description", ""))),
                    properties=props,
                    code_dir=self.asset_dir(resource),
                    layer_dirs=layer_dirs,
                )
            )
        return found

    @property
    def portal_functions(self) -> dict[str, DeployedFunction]:
        return {fn.spec_name: fn for fn in self.functions if fn.spec_name}

    # --- intrinsics --------------------------------------------------------------

    def resolve(self, stack: str, value: Any) -> Any:
        """A template value with every intrinsic replaced by its concrete value."""
        if isinstance(value, list):
            return [self.resolve(stack, v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, arg),) = value.items()
            intrinsic = self._intrinsics.get(name)
            if intrinsic:
                return intrinsic(stack, arg)
            if name.startswith("Fn::"):
                raise UnresolvableError(
                    f"{stack}: cannot resolve {name} (add it to tests/deploy/assembly.py)"
                )
        return {k: self.resolve(stack, v) for k, v in value.items()}

    @cached_property
    def _intrinsics(self) -> dict[str, Callable[[str, Any], Any]]:
        return {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Join": lambda s, a: str(a[0]).join(str(self.resolve(s, v)) for v in self.resolve(s, a[1])),
            "Fn::Sub": self._sub,
            "Fn::Select": lambda s, a: self.resolve(s, a[1])[int(self.resolve(s, a[0]))],
            "Fn::Split": lambda s, a: str(self.resolve(s, a[1])).split(a[0]),
            "Fn::GetStackOutput": lambda s, a: self.output(a["StackName"], a["OutputName"]),
            "Fn::ImportValue": self._import_value,
        }

    def output(self, stack: str, name: str) -> Any:
        return self.resolve(stack, self.templates[stack]["Outputs"][name]["Value"])

    def _import_value(self, stack: str, arg: Any) -> Any:
        wanted = self.resolve(stack, arg)
        for producer, template in self.templates.items():
            for output in template.get("Outputs", {}).values():
                if "Export" in output and self.resolve(producer, output["Export"]["Name"]) == wanted:
                    return self.resolve(producer, output["Value"])
        raise UnresolvableError(f"{stack}: no stack exports {wanted!r}")

    def _sub(self, stack: str, arg: Any) -> str:
        text, values = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(self.resolve(stack, values[name]))
            if "." in name:
                return str(self._get_att(stack, name.split(".", 1)))
            return str(self._ref(stack, name))

        return re.sub(r"\$\{([^}!]+)\}", repl, text)

    def _ref(self, stack: str, logical: str) -> Any:
        if logical in PSEUDO:
            return PSEUDO[logical]
        if logical == "AWS::StackName":
            return stack
        resources = self.templates[stack]["Resources"]
        if logical not in resources:
            raise UnresolvableError(f"{stack}: Ref to unknown {logical}")
        resource = resources[logical]
        props = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::SecretsManager::SecretTargetAttachment":
            return self.resolve(stack, props["SecretId"])
        if kind == "AWS::SecretsManager::Secret":
            # A partial ARN (no random suffix): AWS and moto accept it, and it is the same in every test.
            return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{props.get('Name') or f'{stack}-{logical}'}"
        if kind == "AWS::StepFunctions::StateMachine":
            name = props.get("StateMachineName") or f"{stack}-{logical}"
            return f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"
        name_property = _NAME_PROPERTIES.get(resource["Type"])
        if name_property and isinstance(props.get(name_property), str):
            return props[name_property]
        return physical_name(stack, logical)

    def _get_att(self, stack: str, arg: list[str]) -> Any:
        logical, attribute = arg
        resource = self.templates[stack]["Resources"][logical]
        kind, name = resource["Type"], self._ref(stack, logical)
        arns = {
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
            "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*",
            "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}",
            "AWS::SNS::Topic": str(name),
            "AWS::StepFunctions::StateMachine": str(name),
            "AWS::RDS::DBCluster": f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{name}",
        }
        if attribute == "Arn" and kind in arns:
            return arns[kind]
        # Anything else (endpoints, ids) is only ever compared, never called: a stable stand-in.
        return f"{name}.{attribute}"


# Resources whose Ref is the name they are given (others' Ref is a generated id or an ARN).
_NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::IAM::Role": "RoleName",
}


def physical_name(stack: str, logical: str) -> str:
    """What CloudFormation would generate (stack-logical-suffix), lower case so it suits buckets too."""
    return f"{stack}-{logical}".lower()[:63]
