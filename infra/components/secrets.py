"""The portal's own secrets: the JWT signing key and the model providers' API keys."""

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
        self.jwt_key = secretsmanager.Secret(
            self,
            "JwtKey",
            description="ai-portal: HS256 signing key for portal session tokens",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
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
            self.jwt_key,
            "AwsSolutions-SMG4",
            "Rotating the signing key would log everyone out at once unless the portal verified "
            "old and new keys; rotate by hand with put-secret-value during a quiet hour.",
        )
        suppress(
            self.provider_keys,
            "AwsSolutions-SMG4",
            "Provider API keys are issued by Anthropic/Google/Tavily consoles; Secrets Manager "
            "cannot rotate them, the deployer replaces them with put-secret-value.",
        )

    def grant_jwt_key(self, fn: PortalFunction) -> None:
        self.jwt_key.grant_read(fn.function)
        fn.add_environment(PORTAL_JWT_SECRET_ARN=self.jwt_key.secret_arn)

    def grant_provider_keys(self, fn: PortalFunction) -> None:
        self.provider_keys.grant_read(fn.function)
        fn.add_environment(PORTAL_PROVIDER_KEYS_SECRET_ARN=self.provider_keys.secret_arn)
