"""The state machines exactly as the synthesized templates deploy them.

A state machine's definition (the file asset its `DefinitionS3Location` names, found
through the stack's asset manifest, or an inline `DefinitionString`) with its
`DefinitionSubstitutions` resolved: each
substitution is the ARN of a function in the same template, named here by that function's
code directory and handler, which is what the local target runs in-process. Tests and the
local target run these, not the ASL files with a hand-kept substitution table, so a wiring
mistake in the CDK app (a worker state pointing at the wrong function) shows up locally.

`python -m infra.deployed_workflows OUT.json` synthesizes the app (placeholder layers, no
asset copies: only templates are needed) and writes the machines as JSON; the local target
runs it once per change of the inputs (see `portal.local.deployed`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
STATE_MACHINE = "AWS::StepFunctions::StateMachine"


class DeployedWorkflowError(ValueError):
    """A synthesized state machine this module cannot resolve; the message says which part."""


@dataclass(frozen=True)
class TaskFunction:
    """A Lambda function of the template, as the local target knows it."""

    directory: str  # its code asset: functions/<directory>
    handler: str  # "module.function"


@dataclass(frozen=True)
class DeployedWorkflow:
    name: str  # "chat", from StateMachineName "portal-<stage>-chat"
    type: str  # "EXPRESS" | "STANDARD"
    definition: str  # the DefinitionString, ${...} still in it
    substitutions: dict[str, TaskFunction]

    def resolve(self, arn_of: Callable[[TaskFunction], str]) -> str:
        """The definition with every ${...} replaced by the ARN of the function it names."""

        def repl(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in self.substitutions:
                raise DeployedWorkflowError(f"{self.name}: ${{{key}}} has no DefinitionSubstitutions entry")
            return arn_of(self.substitutions[key])

        return _PLACEHOLDER.sub(repl, self.definition)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeployedWorkflow:
        subs = {k: TaskFunction(**v) for k, v in data["substitutions"].items()}
        return cls(name=data["name"], type=data["type"], definition=data["definition"], substitutions=subs)


def asset_files(outdir: Path, stack_name: str) -> dict[str, Path]:
    """S3 object key -> local file of every file asset of a synthesized stack (its assets manifest)."""
    manifest = outdir / f"{stack_name}.assets.json"
    if not manifest.is_file():
        return {}
    files: dict[str, Any] = json.loads(manifest.read_text()).get("files", {})
    found: dict[str, Path] = {}
    for asset in files.values():
        source = Path(asset["source"]["path"])
        for destination in asset.get("destinations", {}).values():
            found[destination["objectKey"]] = source if source.is_absolute() else outdir / source
    return found


def from_template(template: Mapping[str, Any], assets: Mapping[str, Path]) -> dict[str, DeployedWorkflow]:
    """Every state machine in one synthesized template, by workflow name (`assets`: see asset_files)."""
    resources: Mapping[str, Any] = template.get("Resources", {})
    found: dict[str, DeployedWorkflow] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != STATE_MACHINE:
            continue
        props = resource["Properties"]
        name = _literal(props.get("StateMachineName"), f"{logical_id}.StateMachineName").rsplit("-", 1)[-1]
        subs = {
            key: _task_function(resources, value, f"{logical_id}.DefinitionSubstitutions.{key}")
            for key, value in props.get("DefinitionSubstitutions", {}).items()
        }
        found[name] = DeployedWorkflow(
            name=name,
            type=props.get("StateMachineType", "STANDARD"),
            definition=_definition(props, assets, logical_id),
            substitutions=subs,
        )
    return found


def _definition(props: Mapping[str, Any], assets: Mapping[str, Path], logical_id: str) -> str:
    """The ASL text the state machine is created with: inline, or the uploaded file asset."""
    if "DefinitionString" in props:
        return _literal(props["DefinitionString"], f"{logical_id}.DefinitionString")
    location = props.get("DefinitionS3Location")
    key = location.get("Key") if isinstance(location, dict) else None
    if not isinstance(key, str) or key not in assets:
        raise DeployedWorkflowError(
            f"{logical_id}: its definition {location!r} is not an asset of this stack"
        )
    return assets[key].read_text(encoding="utf-8")


def _literal(value: Any, where: str) -> str:
    """A template string, also when CDK wrote it as an Fn::Join of literal parts."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        if all(isinstance(p, str) for p in parts):
            return str(separator).join(parts)
    raise DeployedWorkflowError(f"{where} is not a literal string: {json.dumps(value)[:200]}")


def _task_function(resources: Mapping[str, Any], value: Any, where: str) -> TaskFunction:
    """The function whose ARN a substitution is ({"Fn::GetAtt": [<id>, "Arn"]})."""
    ref = value.get("Fn::GetAtt") if isinstance(value, dict) else None
    if not (isinstance(ref, list) and len(ref) == 2 and ref[1] == "Arn" and ref[0] in resources):
        raise DeployedWorkflowError(f"{where} is not the ARN of a function in the template: {value!r}")
    function = resources[ref[0]]
    if function["Type"] != "AWS::Lambda::Function":
        raise DeployedWorkflowError(f"{where} points at a {function['Type']}, not a Lambda function")
    asset = function.get("Metadata", {}).get("aws:asset:path")
    if not asset:
        raise DeployedWorkflowError(
            f"{where}: synthesize with aws:cdk:enable-asset-metadata to name its code"
        )
    return TaskFunction(directory=Path(asset).name, handler=function["Properties"]["Handler"])


def synthesize_workflows() -> dict[str, DeployedWorkflow]:
    """Synthesize the portal app (templates only) and read every state machine from it."""
    import os
    import tempfile

    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    import aws_cdk as cdk

    from infra.app import build
    from infra.bundling import LayerBuilder

    root = Path(__file__).resolve().parents[1]
    context = json.loads((root / "cdk.json").read_text())["context"]
    context |= {
        "bundle": "placeholder",
        "aws:cdk:disable-asset-staging": True,
        "aws:cdk:enable-asset-metadata": True,
    }
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir, context=context)
        stacks = build(app, LayerBuilder(placeholder=True))
        assembly = app.synth()
        found: dict[str, DeployedWorkflow] = {}
        for stack in stacks.values():
            template = assembly.get_stack_by_name(stack.stack_name).template
            found |= from_template(template, asset_files(Path(outdir), stack.stack_name))
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.deployed_workflows OUT.json", file=sys.stderr)
        return 2
    workflows = synthesize_workflows()
    Path(argv[0]).write_text(json.dumps({n: w.to_json() for n, w in sorted(workflows.items())}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
