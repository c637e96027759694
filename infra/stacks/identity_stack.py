"""Identity: the Cognito user pool, managed login and the web client (deployed before every
stack whose functions verify its tokens; the Web stack points the client at the site later).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.components.identity import CognitoSignIn
from infra.config import PortalConfig


class IdentityStack(Stack):
    def __init__(self, scope: Construct, id: str, *, config: PortalConfig, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.cognito = CognitoSignIn(self, "SignIn", config=config)
        self.sign_in = self.cognito.sign_in
        CfnOutput(self, "UserPoolId", value=self.cognito.user_pool.user_pool_id)
        CfnOutput(self, "OidcIssuer", value=self.sign_in.issuer)
        CfnOutput(self, "WebClientId", value=self.sign_in.client_id)
        CfnOutput(
            self,
            "SignInDomain",
            value=self.cognito.domain.base_url(),
            description="Managed login; a federated IdP redirects back to <this>/oauth2/idpresponse (SAML: /saml2/idpresponse)",
        )
