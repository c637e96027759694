"""Sign-in in the synthesized app: a Cognito user pool with managed login, a web client whose
callback is the CloudFront site, functions told issuer and audience; or an existing issuer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk.assertions import Annotations, Match

from tests.infra.helpers import Synthesized, function_by_handler, resources

pytestmark = pytest.mark.infra

ENTRA = {
    "type": "oidc",
    "name": "EntraID",
    "issuer": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "client_id": "11111111-2222-3333-4444-555555555555",
    "client_secret_name": "ai-portal/entra-client-secret",
    "attributes": {"empno": "employeeid", "name": "name", "email": "email", "department": "department"},
}


@pytest.fixture(scope="module")
def default(synth_variant: Callable[..., Synthesized]) -> Synthesized:
    return synth_variant()


def _one(template: dict[str, Any], kind: str) -> dict[str, Any]:
    [found] = resources(template, kind).values()
    return found["Properties"]


def _env(app: Synthesized, stack: str, handler: str) -> dict[str, Any]:
    _, fn = function_by_handler(app.json(stack), handler)
    return fn["Properties"]["Environment"]["Variables"]


def test_a_user_pool_with_managed_login_mfa_and_threat_protection_by_default(default: Synthesized) -> None:
    identity = default.json("identity")
    pool = _one(identity, "AWS::Cognito::UserPool")
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True  # no self sign-up
    assert {a["Name"] for a in pool["Schema"]} >= {"empno", "department", "company", "groups"}
    assert _one(identity, "AWS::Cognito::UserPoolDomain")["ManagedLoginVersion"] == 2
    assert _one(identity, "AWS::Cognito::UserPoolGroup")["GroupName"] == "portal-admins"
    assert resources(identity, "AWS::Cognito::ManagedLoginBranding")


def test_the_web_client_is_public_code_and_pkce_with_short_tokens(default: Synthesized) -> None:
    client = _one(default.json("identity"), "AWS::Cognito::UserPoolClient")
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"] and client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthScopes"] == ["openid", "profile", "email"]
    assert (client["IdTokenValidity"], client["AccessTokenValidity"]) == (60, 60)
    assert client["RefreshTokenValidity"] == 12 * 60
    assert client["TokenValidityUnits"] == {
        "IdToken": "minutes",
        "AccessToken": "minutes",
        "RefreshToken": "minutes",
    }
    assert client["SupportedIdentityProviders"] == ["COGNITO"]


def test_the_web_clients_callback_and_logout_urls_are_the_cloudfront_site(default: Synthesized) -> None:
    # Given the Web stack's update of the client (created earlier, in the Identity stack)
    [update] = [
        r
        for r in resources(default.json("web"), "Custom::AWS").values()
        if "updateUserPoolClient" in json.dumps(r)
    ]
    create = update["Properties"]["Create"]["Fn::Join"][1]
    distribution = next(iter(resources(default.json("web"), "AWS::CloudFront::Distribution")))
    rendered = "".join(p if isinstance(p, str) else json.dumps(p) for p in create)
    site = f'"https://{json.dumps({"Fn::GetAtt": [distribution, "DomainName"]})}/"'
    # Then both URL lists are exactly the site root, and it is the same client spec as the template's
    assert f'"CallbackURLs":[{site}]' in rendered and f'"LogoutURLs":[{site}]' in rendered
    assert '"action":"updateUserPoolClient"' in rendered and '"AllowedOAuthFlows":["code"]' in rendered
    assert "WebClient" in rendered  # the Identity stack's client id
    # And the Web stack deploys after the Identity stack (no cycle: Identity needs nothing from Web)
    assert default.stacks["identity"] in default.stacks["web"].dependencies
    assert default.stacks["web"] not in default.stacks["identity"].dependencies


@pytest.mark.parametrize(("stack", "handler"), [("api", "handler.handler"), ("realtime", "handler.handler")])
def test_the_api_and_websocket_functions_are_told_issuer_and_audience(
    default: Synthesized, stack: str, handler: str
) -> None:
    env = _env(default, stack, handler)
    issuer, audience = json.dumps(env["PORTAL_OIDC_ISSUER"]), json.dumps(env["PORTAL_OIDC_AUDIENCE"])
    assert "https://cognito-idp." in issuer and "SignInUserPool" in issuer
    assert "SignInWebClient" in audience
    assert env["PORTAL_OIDC_TOKEN_USE"] == "id"
    assert (env["PORTAL_OIDC_EMPNO_CLAIM"], env["PORTAL_OIDC_GROUPS_CLAIM"]) == (
        "custom:empno",
        "cognito:groups",
    )
    assert env["PORTAL_OIDC_ADMIN_GROUP"] == "portal-admins"
    assert not [k for k in env if "JWT" in k]


def test_config_json_names_the_issuer_and_client(default: Synthesized) -> None:
    [deployment] = resources(default.json("web"), "Custom::CDKBucketDeployment").values()
    markers = json.dumps(deployment["Properties"].get("SourceMarkers", []))
    assert "SignInUserPool" in markers and "SignInWebClient" in markers and "SignInUserPoolDomain" in markers


def test_a_corporate_oidc_idp_is_federated_by_configuration(
    synth_variant: Callable[..., Synthesized],
) -> None:
    app = synth_variant(identity_provider=ENTRA)
    identity = app.json("identity")
    idp = _one(identity, "AWS::Cognito::UserPoolIdentityProvider")
    assert (idp["ProviderName"], idp["ProviderType"]) == ("EntraID", "OIDC")
    assert idp["ProviderDetails"]["oidc_issuer"] == ENTRA["issuer"]
    assert "{{resolve:secretsmanager:ai-portal/entra-client-secret" in json.dumps(idp["ProviderDetails"])
    assert idp["AttributeMapping"] == {
        "custom:empno": "employeeid",
        "custom:department": "department",
        "email": "email",
        "name": "name",
    }
    assert _one(identity, "AWS::Cognito::UserPoolClient")["SupportedIdentityProviders"] == ["EntraID"]


def test_a_saml_idp_is_federated_by_its_metadata_url(synth_variant: Callable[..., Synthesized]) -> None:
    okta = {
        "type": "saml",
        "name": "Okta",
        "metadata_url": "https://example.okta.com/app/abc/sso/saml/metadata",
        "attributes": {"empno": "employeeNumber", "company": "organization"},
    }
    idp = _one(
        synth_variant(identity_provider=okta).json("identity"), "AWS::Cognito::UserPoolIdentityProvider"
    )
    assert idp["ProviderType"] == "SAML"
    assert idp["ProviderDetails"]["MetadataURL"] == okta["metadata_url"]
    assert idp["AttributeMapping"] == {"custom:empno": "employeeNumber", "custom:company": "organization"}


def test_an_existing_issuer_replaces_cognito(synth_variant: Callable[..., Synthesized]) -> None:
    app = synth_variant(
        oidc_issuer="https://idp.example.com/oauth2/default",
        oidc_client_id="portal-spa",
        oidc_claims={"empno": "employeeNumber", "groups": "groups"},
        admin_group="ai-portal-admins",
        signin_allowed_email_domains=["example.com"],
    )
    assert "identity" not in app.stacks
    # (the Web stack's only custom resource then is the uploads bucket's CORS, not a client update)
    assert not [
        r for r in resources(app.json("web"), "Custom::AWS").values() if "UserPoolClient" in json.dumps(r)
    ]
    env = _env(app, "api", "handler.handler")
    assert env["PORTAL_OIDC_ISSUER"] == "https://idp.example.com/oauth2/default"
    assert env["PORTAL_OIDC_AUDIENCE"] == "portal-spa"
    assert env["PORTAL_OIDC_TOKEN_USE"] == ""  # such issuers name no token_use; aud is the check
    assert (env["PORTAL_OIDC_EMPNO_CLAIM"], env["PORTAL_OIDC_GROUPS_CLAIM"]) == ("employeeNumber", "groups")
    assert env["PORTAL_OIDC_ADMIN_GROUP"] == "ai-portal-admins"
    assert json.loads(env["PORTAL_SIGNIN_ALLOWED_EMAIL_DOMAINS"]) == ["example.com"]


@pytest.mark.parametrize(
    ("context", "rule"),
    [
        ({"cognito_mfa": "optional"}, "AwsSolutions-COG2"),
        ({"cognito_feature_plan": "essentials", "cognito_threat_protection": "off"}, "AwsSolutions-COG8"),
    ],
)
def test_weaker_choices_are_the_deployers_and_say_so(
    synth_variant: Callable[..., Synthesized], default: Synthesized, context: dict[str, str], rule: str
) -> None:
    # By default the pool passes the Cognito rules with no suppression at all
    pool_default = next(iter(resources(default.json("identity"), "AWS::Cognito::UserPool").values()))
    assert "cdk_nag" not in json.dumps(pool_default.get("Metadata", {}))
    # A deployer who opts out gets a suppression that names the choice, and still no error
    app = synth_variant(**context)
    pool = next(iter(resources(app.json("identity"), "AWS::Cognito::UserPool").values()))
    [suppression] = pool["Metadata"]["cdk_nag"]["rules_to_suppress"]
    assert suppression["id"] == rule and "deployer set" in suppression["reason"]
    assert (
        Annotations.from_stack(app.stacks["identity"]).find_error(
            "*", Match.string_like_regexp("AwsSolutions-")
        )
        == []
    )
