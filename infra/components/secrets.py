"""The portal's own secrets: the model providers' API keys (sign-in needs none: tokens are RS256 from the issuer)."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, SecretValue
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.components.portal_function import PortalFunction
from infra.nag import suppress

# The JSON keys the portal reads from the provider-keys secret; empty means "not configured".
PROVIDER_KEYS = ("ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "TAVILY_API_KEY", "BRAVE_API_KEY")


class PortalSecrets(Construct):
    """Encrypted with the AWS-managed key (no $1/month customer key).

    Deleted with the stack: Secrets Manager keeps a deleted secret recoverable for 30 days,
    and a retained one would go on costing $0.40 a month after teardown.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.provider_keys = secretsmanager.Secret(
            self,
            "ProviderKeys",
            description="ai-portal: model provider API keys (JSON); fill in with put-secret-value",
            # Only empty placeholders live in the template. CloudFormation rewrites the value
            # only when this text changes, so keys put in later survive deploys.
            secret_string_value=SecretValue.unsafe_plain_text(json.dumps(dict.fromkeys(PROVIDER_KEYS, ""))),
            removal_policy=RemovalPolicy.DESTROY,
        )
        suppress(
            self.provider_keys,
            "AwsSolutions-SMG4",
            "Provider API keys are issued by Anthropic/Google/Tavily consoles; Secrets Manager "
            "cannot rotate them, the deployer replaces them with put-secret-value.",
        )

    def grant_provider_keys(self, fn: PortalFunction) -> None:
        self.provider_keys.grant_read(fn.function)
        fn.add_environment(PORTAL_PROVIDER_KEYS_SECRET_ARN=self.provider_keys.secret_arn)
