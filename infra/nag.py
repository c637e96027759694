"""cdk-nag on every synth, and the one way to suppress a finding: rule, target, reason."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Aspects, CfnElement, Stack
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions, RegexAppliesTo
from constructs import IConstruct

_RULE = re.compile(r"^AwsSolutions-[A-Z]+\d+$")
MIN_REASON = 40


def check_app(scope: IConstruct) -> None:
    """Run AWS's own rule pack over everything in scope when it synthesizes."""
    Aspects.of(scope).add(AwsSolutionsChecks(verbose=True))


def suppress(
    construct: IConstruct,
    rule: str,
    reason: str,
    *,
    applies_to: Sequence[str] = (),
    children: bool = True,
) -> None:
    """Suppress one rule on one construct (and its children), saying why.

    `applies_to` narrows an IAM finding to the exact resource or action strings (or
    `regex:/.../` patterns) that are allowed; without it the whole rule is waived here.
    """
    if not _RULE.match(rule):
        raise ValueError(f"not an AwsSolutions rule id: {rule!r}")
    if len(reason) < MIN_REASON:
        raise ValueError(f"the reason for {rule} on {construct.node.path} is too short to explain anything")
    patterns: list[str | RegexAppliesTo] = [
        RegexAppliesTo(regex=a.removeprefix("regex:")) if a.startswith("regex:") else a for a in applies_to
    ]
    NagSuppressions.add_resource_suppressions(
        construct,
        [NagPackSuppression(id=rule, reason=reason, applies_to=patterns or None)],
        apply_to_children=children,
    )


def logical_id(construct: IConstruct) -> str:
    """The CloudFormation logical id of a construct's resource, as cdk-nag prints it in findings."""
    element = construct if isinstance(construct, CfnElement) else construct.node.default_child
    if not isinstance(element, CfnElement):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource")
    stack = Stack.of(element)
    return str(stack.resolve(stack.get_logical_id(element)))


def ref_pattern(construct: IConstruct, attribute: str | None = "Arn") -> str:
    """A regex for how cdk-nag prints a reference to `construct` in a finding.

    In its own stack that is `<LogicalId.Arn>`; from another stack (a strong reference,
    after a second synth of the same app) the export's name, `<Stack>:ExportsOutput…<LogicalId>…`.
    """
    lid = logical_id(construct)
    local = re.escape(f"<{lid}.{attribute}>" if attribute else f"<{lid}>")
    imported = r"[A-Za-z0-9-]+:ExportsOutput(?:Ref|FnGetAtt)" + lid + r"[A-Za-z0-9]*"
    return f"(?:{local}|{imported})"


def suppress_grant_wildcard(grantee: IConstruct, resource_regex: str, reason: str) -> None:
    """Allow exactly one wildcard resource (a regex over cdk-nag's finding) in a grantee's policy (IAM5)."""
    suppress(grantee, "AwsSolutions-IAM5", reason, applies_to=[f"regex:/^Resource::{resource_regex}$/"])


_BASIC_EXECUTION = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

# Functions CDK itself adds for deploy-time work, by the id prefix of their construct.
# Their code, runtime and policies belong to aws-cdk-lib; they run only during deploys.
_CDK_PROVIDERS: dict[str, list[tuple[str, str, list[str]]]] = {
    "Custom::CDKBucketDeployment": [
        (
            "AwsSolutions-L1",
            "CDK's BucketDeployment handler pins the runtime aws-cdk-lib ships it "
            "with (and the AWS CLI layer it needs); it runs only while deploying the web assets.",
            [],
        ),
        (
            "AwsSolutions-IAM4",
            "CDK's BucketDeployment handler logs through AWSLambdaBasicExecutionRole; "
            "it runs only during deploys.",
            [_BASIC_EXECUTION],
        ),
        (
            "AwsSolutions-IAM5",
            "CDK's BucketDeployment copies the asset zip from the bootstrap bucket "
            "into the site bucket (object wildcards) and invalidates CloudFront (no resource-level ARNs).",
            [
                "Action::s3:GetObject*",
                "Action::s3:GetBucket*",
                "Action::s3:List*",
                "Action::s3:DeleteObject*",
                "Action::s3:Abort*",
                "Resource::*",
                "regex:/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-<AWS::Region>\\/\\*$/",
                "regex:/^Resource::<SiteBucket[0-9A-F]{8}\\.Arn>\\/\\*$/",
            ],
        ),
    ],
    # AwsCustomResource's singleton (the Web stack points the Cognito web client at the site).
    "AWS679f53fac002430cb0da5b7982bd2287": [
        (
            "AwsSolutions-IAM4",
            "CDK's AwsCustomResource handler logs through AWSLambdaBasicExecutionRole; it runs "
            "only during deploys (UpdateUserPoolClient on the portal's user pool).",
            [_BASIC_EXECUTION],
        ),
    ],
    "BucketNotificationsHandler": [
        (
            "AwsSolutions-IAM4",
            "CDK's BucketNotificationsHandler (it sets the uploads bucket's event "
            "notification) logs through AWSLambdaBasicExecutionRole; it runs only during deploys.",
            [_BASIC_EXECUTION],
        ),
    ],
}


def suppress_cdk_providers(stack: Stack) -> None:
    """Suppress, with reasons, the findings on deploy-time helpers that aws-cdk-lib adds."""
    for child in stack.node.children:
        for prefix, rules in _CDK_PROVIDERS.items():
            if child.node.id.startswith(prefix):
                for rule, reason, applies_to in rules:
                    suppress(child, rule, reason, applies_to=applies_to)
