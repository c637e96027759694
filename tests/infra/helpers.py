"""Helpers for the CDK tests: synthesize the portal app and look things up in its templates."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for _path in (str(ROOT / "layers" / "portal"), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")

import aws_cdk as cdk  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402

from infra.app import build  # noqa: E402
from infra.bundling import LayerBuilder  # noqa: E402


def cdk_json_context() -> dict[str, Any]:
    """The context `npx aws-cdk@2 synth` gets from cdk.json (feature flags and defaults)."""
    return json.loads((ROOT / "cdk.json").read_text())["context"]


@dataclass
class Synthesized:
    """One synthesized portal app: its stacks, their templates, and the cloud assembly dir."""

    app: cdk.App
    stacks: dict[str, cdk.Stack]
    outdir: Path
    builder: LayerBuilder

    def __post_init__(self) -> None:
        self.assembly = self.app.synth()
        self._templates: dict[str, Template] = {}

    def template(self, name: str) -> Template:
        if name not in self._templates:
            self._templates[name] = Template.from_stack(self.stacks[name])
        return self._templates[name]

    def json(self, name: str) -> dict[str, Any]:
        return self.template(name).to_json()

    def all_json(self) -> dict[str, dict[str, Any]]:
        return {name: self.json(name) for name in self.stacks}


def synthesize(outdir: Path, builder: LayerBuilder | None = None, **overrides: Any) -> Synthesized:
    # The CLI adds asset metadata (aws:asset:path) to templates; so do the tests.
    context = {**cdk_json_context(), "aws:cdk:enable-asset-metadata": True, **overrides}
    app = cdk.App(outdir=str(outdir), context=context)
    builder = builder or LayerBuilder(placeholder=context.get("bundle") == "placeholder")
    stacks = build(app, builder)
    return Synthesized(app=app, stacks=stacks, outdir=outdir, builder=builder)


_default: Synthesized | None = None


def default_app(outdir: Path) -> Synthesized:
    """The default deployment, bundled for real, synthesized once per session (tests/infra and
    tests/deploy share it: a synth takes about a minute).

    Under `make test` it goes to PORTAL_TEST_RUN_DIR/cdk.out instead of `outdir`: the IAM contract
    step reads it there after the xdist workers are done (pytest may rotate its basetemps away).
    """
    global _default
    if _default is None:
        from tests.deploy.shared_calls import RUN_DIR

        _default = synthesize(Path(RUN_DIR) / "cdk.out" if RUN_DIR else outdir)
    return _default


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def function_by_handler(template: dict[str, Any], handler: str) -> tuple[str, dict[str, Any]]:
    """The one portal function with this handler (CDK's own helpers use other handlers)."""
    found = [
        (k, v)
        for k, v in resources(template, "AWS::Lambda::Function").items()
        if v["Properties"].get("Handler") == handler and "Layers" in v["Properties"]
    ]
    assert len(found) == 1, f"expected one function with handler {handler}, found {[k for k, _ in found]}"
    return found[0]


def statements_of_function(template: dict[str, Any], handler: str) -> list[dict[str, Any]]:
    """Every IAM statement attached to the role of the function with this handler."""
    _, fn = function_by_handler(template, handler)
    role = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    found: list[dict[str, Any]] = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def actions(statement: dict[str, Any]) -> list[str]:
    a = statement["Action"]
    return a if isinstance(a, list) else [a]


def resources_of(statement: dict[str, Any]) -> list[Any]:
    r = statement["Resource"]
    return r if isinstance(r, list) else [r]


def all_actions(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements for a in actions(s)}
