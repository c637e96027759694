"""Sign-in: a Cognito user pool with managed login (and a federated corporate IdP), or an
existing OIDC issuer; what the API/WebSocket functions and the web UI are told about it.

The web client's callback URL is the CloudFront site, which exists only after the API it
fronts, whose functions need the client id: so the client is created here (Identity stack,
deployed first) and the Web stack sets its URLs afterwards (WebClientUrls). Both render the
client from `_client_spec`, so a change to the client re-runs the URL update in the same
`cdk deploy --all`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_cdk import Aws, Duration, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.components.portal_function import PortalFunction
from infra.config import PortalConfig
from infra.nag import suppress

# What the web UI asks for; Cognito issues refresh tokens with the code grant regardless.
WEB_SCOPES = ("openid", "profile", "email")
# Portal fields kept in Cognito custom attributes (the ID token's `custom:<name>` claims).
CUSTOM_ATTRIBUTES = {"empno": 20, "department": 100, "company": 100, "company_code": 10, "groups": 2048}
# Before the Web stack registers the CloudFront site (the first deploy), nothing else may sign in.
PLACEHOLDER_URL = "https://localhost/"


@dataclass(frozen=True)
class SignIn:
    """The issuer the portal trusts and its web client: Cognito's, or the deployer's own."""

    issuer: str
    client_id: str
    # Cognito publishes no end_session_endpoint; its managed login's /logout is named instead.
    logout_url: str | None
    config: PortalConfig

    def claim_names(self) -> dict[str, str]:
        """Portal field -> claim in the token: Cognito's names, or what oidc_claims says."""
        if self.config.uses_cognito:
            names = {f: f"custom:{f}" for f in CUSTOM_ATTRIBUTES}
            names |= {"name": "name", "email": "email", "groups": "cognito:groups"}
        else:
            names = {"empno": "empno", "name": "name", "email": "email", "groups": "groups"}
        # e.g. {"groups": "custom:groups"}: administrators named by the corporate IdP's groups.
        return names | self.config.oidc_claims

    def environment(self) -> dict[str, str]:
        """PORTAL_OIDC_* / PORTAL_SIGNIN_* for a function that verifies tokens."""
        c = self.config
        env = {
            "PORTAL_OIDC_ISSUER": self.issuer,
            "PORTAL_OIDC_AUDIENCE": self.client_id,
            # Cognito says which token it is; other issuers do not (their ID token's aud is the check).
            "PORTAL_OIDC_TOKEN_USE": "id" if c.uses_cognito else "",
            "PORTAL_OIDC_ADMIN_GROUP": c.admin_group,
            **{f"PORTAL_OIDC_{field.upper()}_CLAIM": claim for field, claim in self.claim_names().items()},
        }
        if c.signin_allowed_email_domains:
            env["PORTAL_SIGNIN_ALLOWED_EMAIL_DOMAINS"] = json.dumps(list(c.signin_allowed_email_domains))
        if c.signin_allowed_groups:
            env["PORTAL_SIGNIN_ALLOWED_GROUPS"] = json.dumps(list(c.signin_allowed_groups))
        return env

    def configure(self, fn: PortalFunction) -> None:
        """Tell a function how to verify tokens (the API and the WebSocket function)."""
        fn.add_environment(**self.environment())

    def web_config(self) -> dict[str, str]:
        """config.json's `auth` block (what the web UI's OIDC client is built from)."""
        auth = {"authority": self.issuer, "clientId": self.client_id, "scope": " ".join(WEB_SCOPES)}
        if self.logout_url:
            auth["logoutUrl"] = self.logout_url
        return auth


def _client_spec(config: PortalConfig, *, providers: list[str], urls: list[str]) -> dict[str, Any]:
    """The web client in the Cognito API's shape (UpdateUserPoolClient resets what it omits)."""
    return {
        "ClientName": f"ai-portal-{config.stage}-web",
        # Authorization code + PKCE from the browser: a public client, no secret.
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthScopes": list(WEB_SCOPES),
        "CallbackURLs": urls,
        "LogoutURLs": urls,
        "SupportedIdentityProviders": providers,
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
        "IdTokenValidity": config.token_validity_minutes,
        "AccessTokenValidity": config.token_validity_minutes,
        "RefreshTokenValidity": config.refresh_token_validity_hours * 60,
        "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "minutes"},
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "AuthSessionValidity": 3,
    }


def _site_urls(config: PortalConfig, site_url: str | None) -> list[str]:
    # The web UI comes back to the site root (web/src/auth/oidc.ts siteRoot).
    urls = [f"{site_url}/"] if site_url else [PLACEHOLDER_URL]
    return urls + [f"{o.rstrip('/')}/" for o in config.allowed_origins]


class CognitoSignIn(Construct):
    """The user pool, its managed-login domain, the corporate IdP (if configured), the web client."""

    def __init__(self, scope: Construct, id: str, *, config: PortalConfig) -> None:
        super().__init__(scope, id)
        self.config = config
        plus = config.cognito_feature_plan == "plus"
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"ai-portal-{config.stage}",
            # Employees come from the company's IdP or are created by an administrator.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa={
                "required": cognito.Mfa.REQUIRED,
                "optional": cognito.Mfa.OPTIONAL,
                "off": cognito.Mfa.OFF,
            }[config.cognito_mfa],
            # TOTP only: SMS needs an SNS role, a sender id and costs per message.
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            feature_plan=cognito.FeaturePlan.PLUS if plus else cognito.FeaturePlan.ESSENTIALS,
            standard_threat_protection_mode={
                "enforced": cognito.StandardThreatProtectionMode.FULL_FUNCTION,
                "audit": cognito.StandardThreatProtectionMode.AUDIT_ONLY,
                "off": cognito.StandardThreatProtectionMode.NO_ENFORCEMENT,
            }[config.cognito_threat_protection]
            if plus
            else None,
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(mutable=True, required=False),
                email=cognito.StandardAttribute(mutable=True, required=False),
            ),
            # Mutable: a federated user's attributes are rewritten from the IdP at every sign-in.
            custom_attributes={
                name: cognito.StringAttribute(min_len=0, max_len=size, mutable=True)
                for name, size in CUSTOM_ATTRIBUTES.items()
            },
            deletion_protection=config.retain_data,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        self.domain = self.user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(
                domain_prefix=config.cognito_domain_prefix
                or f"ai-portal-{config.stage.lower()}-{Aws.ACCOUNT_ID}"
            ),
            managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
        )
        cognito.CfnUserPoolGroup(
            self,
            "AdminGroup",
            user_pool_id=self.user_pool.user_pool_id,
            group_name=config.admin_group,
            description="AI 포털 관리자 (portal administrators)",
        )
        idp = self._federate(config.identity_provider) if config.identity_provider else None
        providers = [config.identity_provider["name"]] if config.identity_provider else ["COGNITO"]
        self.providers = providers
        self.client = cognito.CfnUserPoolClient(
            self,
            "WebClient",
            user_pool_id=self.user_pool.user_pool_id,
            generate_secret=False,
            **_cfn_client(_client_spec(config, providers=providers, urls=_site_urls(config, None))),
        )
        if idp is not None:
            self.client.node.add_dependency(idp)
        # Managed login (v2) shows a page only for clients that have a style; Cognito's default one.
        cognito.CfnManagedLoginBranding(
            self,
            "Branding",
            user_pool_id=self.user_pool.user_pool_id,
            client_id=self.client.ref,
            use_cognito_provided_values=True,
        )
        self._suppress_choices(config)

    def _federate(self, idp: dict[str, Any]) -> Construct:
        attributes: dict[str, str] = idp.get("attributes", {})
        mapping = cognito.AttributeMapping(
            email=cognito.ProviderAttribute.other(attributes["email"]) if "email" in attributes else None,
            fullname=cognito.ProviderAttribute.other(attributes["name"]) if "name" in attributes else None,
            custom={
                f"custom:{field}": cognito.ProviderAttribute.other(claim)
                for field, claim in attributes.items()
                if field in CUSTOM_ATTRIBUTES
            },
        )
        if idp["type"] == "saml":
            return cognito.UserPoolIdentityProviderSaml(
                self,
                "CorporateIdp",
                user_pool=self.user_pool,
                name=idp["name"],
                metadata=cognito.UserPoolIdentityProviderSamlMetadata.url(idp["metadata_url"]),
                attribute_mapping=mapping,
                idp_signout=True,
            )
        return cognito.UserPoolIdentityProviderOidc(
            self,
            "CorporateIdp",
            user_pool=self.user_pool,
            name=idp["name"],
            issuer_url=idp["issuer"],
            client_id=idp["client_id"],
            # A Secrets Manager dynamic reference: the secret never appears in the template.
            client_secret=SecretValue.secrets_manager(idp["client_secret_name"]).unsafe_unwrap(),
            scopes=idp.get("scopes", ["openid", "profile", "email"]),
            attribute_request_method=cognito.OidcAttributeRequestMethod.GET,
            attribute_mapping=mapping,
        )

    def _suppress_choices(self, config: PortalConfig) -> None:
        """Findings that follow from a deployer's explicit choice in cdk.json, and only then."""
        if config.cognito_mfa != "required":
            suppress(
                self.user_pool,
                "AwsSolutions-COG2",
                f"The deployer set cognito_mfa={config.cognito_mfa}: employees sign in through the "
                "corporate IdP, which enforces its own MFA; Cognito MFA covers only local accounts.",
            )
        if config.cognito_feature_plan != "plus":
            suppress(
                self.user_pool,
                "AwsSolutions-COG8",
                "The deployer set cognito_feature_plan=essentials (no per-user Plus charge); threat "
                "protection is then left to the corporate IdP's sign-in risk policies.",
            )

    @property
    def sign_in(self) -> SignIn:
        # Spelled out: the ProviderURL attribute comes without the scheme the tokens' iss has.
        region = Stack.of(self).region
        return SignIn(
            issuer=f"https://cognito-idp.{region}.amazonaws.com/{self.user_pool.user_pool_id}",
            client_id=self.client.ref,
            logout_url=f"{self.domain.base_url()}/logout",
            config=self.config,
        )


_CFN_NAMES = {
    "ClientName": "client_name",
    "AllowedOAuthFlows": "allowed_o_auth_flows",
    "AllowedOAuthFlowsUserPoolClient": "allowed_o_auth_flows_user_pool_client",
    "AllowedOAuthScopes": "allowed_o_auth_scopes",
    "CallbackURLs": "callback_ur_ls",
    "LogoutURLs": "logout_ur_ls",
    "SupportedIdentityProviders": "supported_identity_providers",
    "ExplicitAuthFlows": "explicit_auth_flows",
    "IdTokenValidity": "id_token_validity",
    "AccessTokenValidity": "access_token_validity",
    "RefreshTokenValidity": "refresh_token_validity",
    "PreventUserExistenceErrors": "prevent_user_existence_errors",
    "EnableTokenRevocation": "enable_token_revocation",
    "AuthSessionValidity": "auth_session_validity",
}


def _cfn_client(spec: dict[str, Any]) -> dict[str, Any]:
    """The same spec as CfnUserPoolClient keyword arguments."""
    units = spec["TokenValidityUnits"]
    return {
        **{_CFN_NAMES[k]: v for k, v in spec.items() if k in _CFN_NAMES},
        "token_validity_units": cognito.CfnUserPoolClient.TokenValidityUnitsProperty(
            id_token=units["IdToken"], access_token=units["AccessToken"], refresh_token=units["RefreshToken"]
        ),
    }


class WebClientUrls(Construct):
    """Points the web client's callback and logout URLs at the CloudFront site (Web stack)."""

    def __init__(self, scope: Construct, id: str, *, cognito_sign_in: CognitoSignIn, site_url: str) -> None:
        super().__init__(scope, id)
        pool = cognito_sign_in.user_pool
        spec = _client_spec(
            cognito_sign_in.config,
            providers=cognito_sign_in.providers,
            urls=_site_urls(cognito_sign_in.config, site_url),
        )
        call = cr.AwsSdkCall(
            service="CognitoIdentityServiceProvider",
            action="updateUserPoolClient",
            parameters={"UserPoolId": pool.user_pool_id, "ClientId": cognito_sign_in.client.ref, **spec},
            physical_resource_id=cr.PhysicalResourceId.of(cognito_sign_in.client.ref),
            # The whole client would be returned; a custom resource may answer with 4 KB at most.
            output_paths=["UserPoolClient.ClientId"],
        )
        self.resource = cr.AwsCustomResource(
            self,
            "Update",
            on_create=call,
            on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[pool.user_pool_arn]),
            install_latest_aws_sdk=False,
        )
