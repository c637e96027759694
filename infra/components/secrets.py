"""The portal's own secrets: the model providers' API keys (sign-in needs none: tokens are RS256 from the issuer)."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.components.portal_function import PortalFunction
from infra.nag import suppress

# The one key of the value Secrets Manager generates when it creates the provider-keys secret.
# The operator replaces the value with the keys the portal reads (portal.secrets.PROVIDER_KEYS);
# until then none is configured.
PLACEHOLDER_KEY = "placeholder"


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
            # Created once with a generated placeholder and never written again by a deploy: no
            # value (and no key name) lives in the template, so no change to the code can make
            # CloudFormation overwrite what the operator stored. A key the secret lacks (the
            # placeholder has none of them) means "not configured" (portal.secrets).
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({}),
                generate_string_key=PLACEHOLDER_KEY,
                password_length=16,
                exclude_punctuation=True,
            ),
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
