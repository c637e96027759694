"""Bedrock model invocation, scoped to the configured model ids (Claude and the embedding model)."""

from __future__ import annotations

import json
import re

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import suppress_grant_wildcard

ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")


def model_arns(patterns: tuple[str, ...]) -> list[str]:
    """Foundation models in any region (cross-region inference routes there) and this
    account's inference profiles (us.anthropic…, global.anthropic…) for the same ids."""
    arns: list[str] = []
    for pattern in patterns:
        arns.append(f"arn:{Aws.PARTITION}:bedrock:*::foundation-model/{pattern}")
        arns.append(f"arn:{Aws.PARTITION}:bedrock:*:{Aws.ACCOUNT_ID}:inference-profile/*.{pattern}")
    return arns


def grant_model_invocation(fn: PortalFunction, config: PortalConfig, *, chat: bool = True) -> None:
    """Let a function call Bedrock models: chat models if `chat`, always the embedding models."""
    patterns = (config.bedrock_model_ids if chat else ()) + config.bedrock_embedding_model_ids
    iam.Grant.add_to_principal(grantee=fn.function, actions=list(ACTIONS), resource_arns=model_arns(patterns))
    for arn in model_arns(patterns):
        if "*" in arn:
            suppress_grant_wildcard(
                fn.role,
                re.escape(
                    arn.replace(Aws.PARTITION, "<AWS::Partition>").replace(Aws.ACCOUNT_ID, "<AWS::AccountId>")
                ),
                "Model ids carry versions and dates (anthropic.claude-sonnet-4-5-20250929-v1:0) and "
                "cross-region inference picks the region; the pattern is the configured model family only.",
            )
    fn.add_environment(PORTAL_USE_BEDROCK="true")
    if config.models_enabled:
        # A JSON list, as pydantic-settings reads list fields.
        fn.add_environment(PORTAL_MODELS_ENABLED=json.dumps(list(config.models_enabled)))
