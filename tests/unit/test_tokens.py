"""Bearer tokens: HS256 with the configured secret, RS256 via an OIDC issuer's JWKS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from portal.auth.tokens import TokenVerifier, mint_local_token
from portal.errors import Unauthorized
from portal.settings import Settings


def _settings(**kwargs: object) -> Settings:
    return Settings(**kwargs)  # type: ignore[arg-type]


def test_a_minted_local_token_verifies_to_its_claims() -> None:
    settings = _settings()
    token = mint_local_token(settings, empno="E1001", name="홍길동", admin=True)
    claims = TokenVerifier(settings).verify(token)
    assert (claims.empno, claims.name, claims.is_admin) == ("E1001", "홍길동", True)


def test_minting_is_refused_when_configured_for_aws() -> None:
    settings = _settings(
        environment="aws",
        jwt_secret="a-real-secret-from-secrets-manager",
        db_cluster_arn="c",
        db_secret_arn="s",
    )
    with pytest.raises(RuntimeError, match="only allowed on the local target"):
        mint_local_token(settings, empno="E1", name="x")


def test_aws_settings_reject_the_placeholder_secret() -> None:
    with pytest.raises(ValueError, match="PORTAL_JWT_SECRET"):
        TokenVerifier(_settings(environment="aws", db_cluster_arn="c", db_secret_arn="s"))


@pytest.mark.parametrize("token", [None, "", "abc", "a.b.c"])
def test_missing_or_malformed_tokens_are_unauthorized(token: str | None) -> None:
    with pytest.raises(Unauthorized):
        TokenVerifier(_settings()).verify(token)


def test_a_token_signed_with_another_secret_is_unauthorized() -> None:
    forged = jwt.encode(
        {"empno": "E1", "name": "x", "exp": time.time() + 60}, "other-secret", algorithm="HS256"
    )
    with pytest.raises(Unauthorized, match="Invalid token"):
        TokenVerifier(_settings()).verify(forged)


def test_an_expired_token_is_unauthorized() -> None:
    settings = _settings()
    with pytest.raises(Unauthorized, match="expired"):
        TokenVerifier(settings).verify(mint_local_token(settings, empno="E1", name="x", ttl_seconds=-1))


def test_a_token_without_exp_is_unauthorized() -> None:
    token = jwt.encode({"empno": "E1", "name": "x"}, _settings().jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized):
        TokenVerifier(_settings()).verify(token)


def test_a_token_without_empno_is_unauthorized() -> None:
    token = jwt.encode({"name": "x", "exp": time.time() + 60}, _settings().jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="empno"):
        TokenVerifier(_settings()).verify(token)


def test_alg_none_is_refused() -> None:
    token = jwt.encode({"empno": "E1", "name": "x", "exp": time.time() + 60}, None, algorithm="none")
    with pytest.raises(Unauthorized):
        TokenVerifier(_settings()).verify(token)


# --- RS256 through a real (loopback) OIDC issuer -------------------------------------------


@pytest.fixture
def issuer() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
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


def _rs256(key: rsa.RSAPrivateKey, **claims: object) -> str:
    return jwt.encode({"exp": time.time() + 60, **claims}, key, algorithm="RS256", headers={"kid": "k1"})


def test_rs256_tokens_verify_against_the_issuers_jwks(issuer) -> None:  # noqa: ANN001
    url, key = issuer
    verifier = TokenVerifier(_settings(oidc_issuer=url, jwt_audience="portal"))
    claims = verifier.verify(_rs256(key, iss=url, aud="portal", empno="E5", name="박지민", roles=["admin"]))
    assert (claims.empno, claims.name, claims.is_admin) == ("E5", "박지민", True)


def test_rs256_token_from_another_issuer_is_unauthorized(issuer) -> None:  # noqa: ANN001
    url, key = issuer
    verifier = TokenVerifier(_settings(oidc_issuer=url))
    with pytest.raises(Unauthorized):
        verifier.verify(_rs256(key, iss="https://evil.example", empno="E5", name="x"))


def test_hs256_token_is_refused_when_an_issuer_is_configured(issuer) -> None:  # noqa: ANN001
    url, _ = issuer
    hs = jwt.encode(
        {"empno": "E5", "name": "x", "iss": url, "exp": time.time() + 60}, "k" * 32, algorithm="HS256"
    )
    with pytest.raises(Unauthorized):
        TokenVerifier(_settings(oidc_issuer=url)).verify(hs)


def test_unreachable_issuer_is_unauthorized_not_a_crash() -> None:
    verifier = TokenVerifier(_settings(oidc_issuer="http://127.0.0.1:9"))
    with pytest.raises(Unauthorized, match="unreachable"):
        verifier.verify(jwt.encode({"a": 1}, "x" * 32, algorithm="HS256"))
