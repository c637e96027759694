"""Each function's synthesized role policies, and what they say about the calls it made.

Policies are read from the templates (inline role policies, AWS::IAM::Policy and customer
managed policies attached to the role) with intrinsics resolved to the same concrete ARNs as the
function's environment, and evaluated with moto's IAM policy evaluator (Allow, explicit Deny,
wildcards). A statement with a Condition fails loudly: no condition is evaluated here, and
allowing a conditional grant unconditionally would hide a refusal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult

from tests.deploy.assembly import CloudAssembly, DeployedFunction
from tests.deploy.recorder import LOCAL_API, AwsCall

# Grants the Lambda service uses on the function's behalf (its logs, X-Ray segments, the
# on-failure destination queue): no recorded call can use them, so they are reported apart.
RUNTIME_PREFIXES = ("logs:", "xray:", "sqs:")


class UnsupportedPolicyError(ValueError):
    """A policy this checker cannot evaluate faithfully (a Condition, an AWS managed policy)."""


@dataclass(frozen=True)
class Grant:
    """One Allow statement's action pattern on one resource pattern."""

    function: str
    action: str
    resource: str

    def allows(self, call: AwsCall) -> bool:
        doc = {"Statement": [{"Effect": "Allow", "Action": self.action, "Resource": self.resource}]}
        return (
            IAMPolicy(json.dumps(doc)).is_action_permitted(call.action, call.resource)
            is PermissionResult.PERMITTED
        )


@dataclass(frozen=True)
class Refusal:
    function: str
    action: str
    resource: str

    def __str__(self) -> str:
        return f"{self.function}: {self.action} on {self.resource}"


class RolePolicies:
    """The resolved policy documents of one function's role."""

    def __init__(self, function: DeployedFunction, documents: list[dict[str, Any]]) -> None:
        self.function = function
        self.documents = documents
        for doc in documents:
            for statement in _statements(doc):
                if "Condition" in statement:
                    raise UnsupportedPolicyError(
                        f"{function.key}: statement {statement.get('Sid', statement)} has a Condition; "
                        "teach tests/deploy/iam.py to evaluate it before relying on it"
                    )
        self._policies = [IAMPolicy(json.dumps(doc)) for doc in documents]

    @classmethod
    def of(cls, assembly: CloudAssembly, function: DeployedFunction) -> RolePolicies:
        stack, role = function.stack, function.role_logical_id
        ref = {"Ref": role}
        docs = [p["PolicyDocument"] for p in assembly.resource(stack, role)["Properties"].get("Policies", [])]
        for kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for policy_stack, _, policy in assembly.resources(kind):
                if policy_stack == stack and ref in policy["Properties"].get("Roles", []):
                    docs.append(policy["Properties"]["PolicyDocument"])
        for managed in assembly.resource(stack, role)["Properties"].get("ManagedPolicyArns", []):
            if isinstance(managed, dict) and "Ref" in managed:
                docs.append(assembly.resource(stack, managed["Ref"])["Properties"]["PolicyDocument"])
            else:
                raise UnsupportedPolicyError(
                    f"{function.key}: managed policy {managed} is not in the templates"
                )
        return cls(function, [assembly.resolve(stack, doc) for doc in docs])

    def allows(self, action: str, resource: str) -> bool:
        results = [p.is_action_permitted(action, resource) for p in self._policies]
        return PermissionResult.DENIED not in results and PermissionResult.PERMITTED in results

    def grants(self) -> list[Grant]:
        return [
            Grant(self.function.key, action, resource)
            for doc in self.documents
            for statement in _statements(doc)
            if statement.get("Effect") == "Allow"
            for action in _as_list(statement.get("Action", []))
            for resource in _as_list(statement.get("Resource", "*"))
        ]


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return _as_list(doc.get("Statement", []))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class DeployedNames:
    """Local-target names (tests, `portal dev`) -> the deployed resources' names, for the same setting."""

    def __init__(self, assembly: CloudAssembly, environments: Iterable[dict[str, str]]) -> None:
        from portal.settings import Settings

        deployed: dict[str, str] = {}
        for env in environments:
            deployed.update(env)
        self.aliases: dict[str, str] = {}
        for name, field in Settings.model_fields.items():
            var = f"PORTAL_{name.upper()}"
            if isinstance(field.default, str) and field.default and var in deployed:
                self.aliases[field.default] = deployed[var]
        # The local target names its state machines portal-<workflow> (portal.local.moto_aws).
        for var, arn in deployed.items():
            if var.endswith("_STATE_MACHINE_ARN"):
                workflow = var.removeprefix("PORTAL_").removesuffix("_STATE_MACHINE_ARN").lower()
                name = arn.rsplit(":", 1)[-1]
                self.aliases[f":stateMachine:portal-{workflow}"] = f":stateMachine:{name}"
                self.aliases[f":execution:portal-{workflow}:"] = f":execution:{name}:"
        endpoint = deployed.get("PORTAL_WS_MANAGEMENT_ENDPOINT", "")
        if endpoint:
            api = endpoint.split("//", 1)[1].split(".", 1)[0]
            stage = endpoint.rstrip("/").rsplit("/", 1)[1]
            self.aliases[LOCAL_API] = f"{api}/{stage}"

    def deployed(self, resource: str) -> str:
        for local in sorted(self.aliases, key=len, reverse=True):
            if local in resource:
                return resource.replace(local, self.aliases[local])
        return resource


@dataclass
class ContractResult:
    checked: dict[str, int]  # distinct (action, resource) pairs checked, per function
    calls: dict[str, int]  # recorded calls, per function
    refusals: list[Refusal]
    unused: list[Grant]
    runtime_grants: list[Grant]
    unattributed: int


def check_calls(
    calls: list[AwsCall], policies: dict[str, RolePolicies], names: DeployedNames
) -> ContractResult:
    """Every attributed call against its function's role; the grants no call used."""
    checked: dict[str, int] = {name: 0 for name in policies}
    counts: dict[str, int] = {name: 0 for name in policies}
    refusals: list[Refusal] = []
    used: dict[str, set[tuple[str, str]]] = {name: set() for name in policies}
    unattributed = 0
    distinct = {
        (c.function, c.action, c.resource if c.deployed else names.deployed(c.resource)) for c in calls
    }
    for function, action, resource in distinct:
        if function is None:
            unattributed += 1
            continue
        role = policies.get(function)
        if role is None:
            refusals.append(
                Refusal(function, action, f"{resource} (no such function in the synthesized app)")
            )
            continue
        checked[function] += 1
        used[function].add((action, resource))
        if not role.allows(action, resource):
            refusals.append(Refusal(function, action, resource))
    for call in calls:
        if call.function in counts:
            counts[call.function] += 1
    unused, runtime = [], []
    for name, role in policies.items():
        for grant in role.grants():
            if grant.action.startswith(RUNTIME_PREFIXES):
                runtime.append(grant)
            elif not any(grant.allows(AwsCall(name, a, r)) for a, r in used[name]):
                unused.append(grant)
    return ContractResult(checked, counts, sorted(refusals, key=str), unused, runtime, unattributed)
