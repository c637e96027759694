"""Bearer tokens: RS256 from the configured issuer only; every forgery and mismatch is refused."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from portal.auth import local_issuer
from portal.auth.local_issuer import mint_local_token
from portal.auth.tokens import IssuerJwks, TokenVerifier, verifier_for
from portal.errors import Unauthorized
from portal.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(local_data_dir=str(tmp_path))  # type: ignore[call-arg]


def _claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": settings.oidc_issuer,
        "aud": settings.oidc_audience,
        "iat": now,
        "exp": now + 600,
        "token_use": "id",
        "custom:empno": "E1001",
        "name": "홍길동",
        **overrides,
    }


def _aws_settings(**kwargs: Any) -> Settings:
    return Settings(environment="aws", db_cluster_arn="c", db_secret_arn="s", **kwargs)  # type: ignore[call-arg]


DROP = object()  # an override that leaves the claim out


def _signed_locally(settings: Settings, **overrides: Any) -> str:
    claims = {k: v for k, v in _claims(settings, **overrides).items() if v is not DROP}
    return local_issuer.signing_key(settings).sign(claims)


def test_a_minted_local_token_verifies_to_its_claims(settings: Settings) -> None:
    # Given a token from the local issuer for an administrator in a department
    token = mint_local_token(settings, empno="E1001", name="홍길동", department="AI팀", admin=True)
    # When it is verified
    claims = verifier_for(settings).verify(token)
    # Then the portal sees who it is, with the configured admin group granting admin
    assert (claims.empno, claims.name, claims.department, claims.is_admin) == (
        "E1001",
        "홍길동",
        "AI팀",
        True,
    )
    assert claims.groups == ["portal-admins"] and claims.roles == ["admin"]
    assert claims.expires_at > time.time()


def test_minting_is_refused_when_configured_for_aws(tmp_path: Path) -> None:
    aws = _aws_settings(local_data_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match="only allowed on the local target"):
        mint_local_token(aws, empno="E1", name="x")


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"aud": "another-client"}, id="wrong audience"),
        pytest.param({"aud": DROP}, id="no audience"),
        pytest.param({"iss": "https://evil.example/oidc"}, id="wrong issuer"),
        pytest.param({"exp": int(time.time()) - 120}, id="expired"),
        pytest.param({"token_use": "access"}, id="access token where an ID token is configured"),
        pytest.param({"token_use": "refresh"}, id="refresh token"),
        pytest.param({"custom:empno": DROP}, id="missing employee number"),
        pytest.param({"custom:empno": ""}, id="empty employee number"),
    ],
)
def test_tokens_that_do_not_match_the_configuration_are_unauthorized(
    settings: Settings, overrides: dict[str, Any]
) -> None:
    # Given a token signed with the right key but one claim wrong or missing
    token = _signed_locally(settings, **overrides)
    # Then it is refused
    with pytest.raises(Unauthorized):
        verifier_for(settings).verify(token)


def test_a_token_signed_with_another_key_under_the_same_kid_is_unauthorized(settings: Settings) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = local_issuer.signing_key(settings).kid
    token = jwt.encode(_claims(settings), forger, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(Unauthorized):
        verifier_for(settings).verify(token)


def test_alg_none_is_unauthorized(settings: Settings) -> None:
    kid = local_issuer.signing_key(settings).kid
    token = jwt.encode(_claims(settings), None, algorithm="none", headers={"kid": kid})
    with pytest.raises(Unauthorized):
        verifier_for(settings).verify(token)


def test_hs256_signed_with_the_issuers_public_key_is_unauthorized(settings: Settings) -> None:
    # Given the classic confusion: the public key (which anyone can fetch) used as an HMAC secret
    key = local_issuer.signing_key(settings)
    pem = key.public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    signing_input = b".".join(
        jwt.utils.base64url_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, _claims(settings))
    )
    signature = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256).sign(signing_input, pem)
    token = (signing_input + b"." + jwt.utils.base64url_encode(signature)).decode()
    # Then it is refused (only RS256 is ever accepted)
    with pytest.raises(Unauthorized):
        verifier_for(settings).verify(token)


def test_a_group_that_is_not_the_configured_admin_group_does_not_make_an_admin(settings: Settings) -> None:
    token = _signed_locally(settings, **{"cognito:groups": ["admin", "Admins", "portal-admin"]})
    claims = verifier_for(settings).verify(token)
    assert (claims.is_admin, claims.roles) == (False, ["user"])


def test_claim_names_and_the_admin_group_come_from_settings(tmp_path: Path) -> None:
    # Given an Entra-ID-like issuer: employeeId, groups as object ids, no token_use
    entra = Settings(  # type: ignore[call-arg]
        local_data_dir=str(tmp_path),
        oidc_empno_claim="employeeId",
        oidc_groups_claim="groups",
        oidc_admin_group="3f2a-admins-object-id",
        oidc_department_claim="department",
        oidc_token_use="",
    )
    claims = _claims(entra, employeeId="E7", groups=["3f2a-admins-object-id"], department="재무팀")
    del claims["token_use"]
    # When verified
    verified = verifier_for(entra).verify(local_issuer.signing_key(entra).sign(claims))
    # Then the configured claims are read
    assert (verified.empno, verified.department, verified.is_admin) == ("E7", "재무팀", True)


def test_in_aws_the_issuer_must_be_https(tmp_path: Path) -> None:
    aws = _aws_settings(oidc_issuer="http://idp.example", oidc_audience="cognito-client-id")
    with pytest.raises(ValueError, match="https"):
        verifier_for(aws)


def test_in_aws_the_audience_must_be_configured_not_the_local_client(tmp_path: Path) -> None:
    aws = _aws_settings(oidc_issuer="https://cognito-idp.ap-northeast-2.amazonaws.com/pool")
    with pytest.raises(ValueError, match="PORTAL_OIDC_AUDIENCE"):
        verifier_for(aws)


def test_portal_token_prints_a_verifiable_token_locally_and_refuses_for_aws(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from portal.cli import token as cli
    from portal.settings import reset_settings

    args = argparse.Namespace(
        empno="E1001", name="홍길동", department="AI팀", admin=True, ttl_hours=None, issuer=None
    )
    monkeypatch.setenv("PORTAL_LOCAL_DATA_DIR", settings.local_data_dir)
    reset_settings()
    assert cli.run(args) == 0
    claims = verifier_for(settings).verify(capsys.readouterr().out.strip())
    assert (claims.empno, claims.department, claims.is_admin) == ("E1001", "AI팀", True)

    monkeypatch.setenv("PORTAL_ENVIRONMENT", "aws")
    monkeypatch.setenv("PORTAL_DB_CLUSTER_ARN", "c")
    monkeypatch.setenv("PORTAL_DB_SECRET_ARN", "s")
    reset_settings()
    assert cli.run(args) == 2
    assert "only allowed on the local target" in capsys.readouterr().err


# --- RS256 through a real (loopback) issuer's discovery document and JWKS -----------------


@pytest.fixture
def issuer() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            body = {
                "/.well-known/openid-configuration": {"issuer": base, "jwks_uri": f"{base}/keys"},
                "/keys": {"keys": [jwk]},
            }.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body or {}).encode())

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", key
    server.shutdown()


def _aws_verifier(url: str) -> tuple[Settings, TokenVerifier]:
    # https is enforced by verifier_for; the loopback issuer speaks http, so build the verifier directly.
    s = _aws_settings(oidc_issuer=url, oidc_audience="cognito-client-id")
    return s, TokenVerifier(s, IssuerJwks(url))


def test_rs256_tokens_verify_against_the_issuers_jwks(issuer) -> None:
    url, key = issuer
    s, verifier = _aws_verifier(url)
    token = jwt.encode(
        _claims(s, **{"cognito:groups": ["portal-admins"]}), key, "RS256", headers={"kid": "k1"}
    )
    claims = verifier.verify(token)
    assert (claims.empno, claims.is_admin) == ("E1001", True)


def test_a_token_for_another_app_client_of_the_same_issuer_is_unauthorized(issuer) -> None:
    url, key = issuer
    s, verifier = _aws_verifier(url)
    token = jwt.encode(_claims(s, aud="some-other-app"), key, "RS256", headers={"kid": "k1"})
    with pytest.raises(Unauthorized):
        verifier.verify(token)


def test_an_unreachable_issuer_is_unauthorized_not_a_crash() -> None:
    s, verifier = _aws_verifier("http://127.0.0.1:9")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized):
        verifier.verify(jwt.encode(_claims(s), key, "RS256", headers={"kid": "k1"}))
