"""The local target's identity provider: an RSA key in the data dir and the tokens it signs.

The HTTP side (discovery, authorize, token, logout) is portal.local.oidc; this module is
what the verifier and `portal token` need, so it carries no web framework.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from portal.settings import Settings

KEY_FILE = "oidc-signing-key.pem"
REFRESH_TTL_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class SigningKey:
    """The local issuer's RSA key and the key id its tokens name in their header."""

    private: rsa.RSAPrivateKey
    kid: str

    @property
    def public(self) -> rsa.RSAPublicKey:
        return self.private.public_key()

    def jwks(self) -> dict[str, Any]:
        """The public half as a JSON Web Key Set."""
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.public, as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, payload: dict[str, Any]) -> str:
        return jwt.encode(payload, self.private, algorithm="RS256", headers={"kid": self.kid})


@lru_cache(maxsize=4)
def _load_or_create(path: Path) -> SigningKey:
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        try:
            # link() fails if another process got there first; then everyone uses its key.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    pem = path.read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return SigningKey(private, hashlib.sha256(pem).hexdigest()[:16])


def signing_key(settings: Settings) -> SigningKey:
    """The local issuer's key, generated into the data dir on first use."""
    return _load_or_create(Path(settings.local_data_dir).resolve() / KEY_FILE)


def _refuse_outside_local(settings: Settings) -> None:
    if not settings.is_local:
        raise RuntimeError("Minting tokens is only allowed on the local target (PORTAL_ENVIRONMENT=local)")


def id_token_claims(
    *,
    empno: str,
    name: str,
    admin: bool = False,
    department: str | None = None,
    company: str | None = None,
    company_code: str | None = "LOCAL",
    email: str | None = None,
    settings: Settings,
) -> dict[str, Any]:
    """The identity claims of a local user, named as the settings say (Cognito's names by default)."""
    claims: dict[str, Any] = {
        "sub": f"local-{empno}",
        settings.oidc_empno_claim: empno,
        settings.oidc_name_claim: name,
        settings.oidc_email_claim: email or f"{empno.lower()}@portal.local",
        settings.oidc_groups_claim: [settings.oidc_admin_group] if admin else [],
    }
    for claim, value in (
        (settings.oidc_department_claim, department),
        (settings.oidc_company_claim, company),
        (settings.oidc_company_code_claim, company_code),
    ):
        if value:
            claims[claim] = value
    return claims


def mint(
    settings: Settings, identity: dict[str, Any], *, token_use: str, ttl_seconds: int | None = None
) -> str:
    """A token from the local issuer: `id`, `access` or `refresh`, for the local web client."""
    _refuse_outside_local(settings)
    now = int(time.time())
    ttl = ttl_seconds if ttl_seconds is not None else settings.local_token_ttl_seconds
    if token_use == "refresh":
        ttl = REFRESH_TTL_SECONDS
    payload: dict[str, Any] = {
        **identity,
        "iss": settings.oidc_issuer,
        "iat": now,
        "exp": now + ttl,
        "token_use": token_use,
        "jti": uuid.uuid4().hex,
    }
    # Like Cognito: ID and refresh tokens name the client as audience, access tokens as client_id.
    if token_use == "access":
        payload["client_id"] = settings.oidc_audience
    else:
        payload["aud"] = settings.oidc_audience
    return signing_key(settings).sign(payload)


def mint_local_token(
    settings: Settings,
    *,
    empno: str,
    name: str,
    admin: bool = False,
    department: str | None = None,
    company: str | None = None,
    company_code: str | None = "LOCAL",
    email: str | None = None,
    ttl_seconds: int | None = None,
) -> str:
    """An ID token from the local issuer (scripts, tests); refuses when configured for AWS."""
    _refuse_outside_local(settings)
    identity = id_token_claims(
        empno=empno,
        name=name,
        admin=admin,
        department=department,
        company=company,
        company_code=company_code,
        email=email,
        settings=settings,
    )
    return mint(settings, identity, token_use="id", ttl_seconds=ttl_seconds)
