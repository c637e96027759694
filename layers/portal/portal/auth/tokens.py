"""Bearer token verification: RS256 from the configured OIDC issuer, the one path everywhere.

Issuer, audience (the app client id), expiry and token use are always checked. Which
claim names the employee and which group value makes an administrator come from settings,
so a corporate IdP's spelling is configuration, not code.
"""

from __future__ import annotations

import json
import urllib.request
from functools import cached_property
from typing import Any, Protocol

import jwt
from pydantic import BaseModel, Field, ValidationError

from portal.auth import messages
from portal.errors import Unauthorized
from portal.settings import Settings
from portal.settings.model import LOCAL_CLIENT_ID


class Claims(BaseModel):
    """What the portal takes from a verified token."""

    empno: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    email: str | None = None
    department: str | None = Field(default=None, max_length=100)
    company: str | None = Field(default=None, max_length=100)
    company_code: str | None = Field(default=None, max_length=10)
    groups: list[str] = []
    is_admin: bool = False
    expires_at: int = 0  # the token's exp (epoch seconds): live sockets close after it

    @property
    def roles(self) -> list[str]:
        """The portal roles stored on the user row."""
        return ["admin"] if self.is_admin else ["user"]


class KeySource(Protocol):
    """Finds the public key a token claims to be signed with."""

    def key_for(self, token: str) -> Any: ...


class IssuerJwks:
    """The issuer's JWKS, found through OIDC discovery once per container, keys cached an hour."""

    def __init__(self, issuer: str) -> None:
        self._issuer = issuer.rstrip("/")

    @cached_property
    def _client(self) -> jwt.PyJWKClient:
        url = f"{self._issuer}/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=5) as resp:  # https enforced by settings
            jwks_uri = json.load(resp)["jwks_uri"]
        return jwt.PyJWKClient(jwks_uri, cache_keys=True, lifespan=3600)

    def key_for(self, token: str) -> Any:
        return self._client.get_signing_key_from_jwt(token).key


class StaticKey:
    """One known key (the local issuer's): the token's kid must name it."""

    def __init__(self, key: Any, kid: str) -> None:
        self._key, self._kid = key, kid

    def key_for(self, token: str) -> Any:
        if jwt.get_unverified_header(token).get("kid") != self._kid:
            raise jwt.InvalidKeyError("unknown key id")
        return self._key


def _text(payload: dict[str, Any], claim: str) -> str | None:
    value = payload.get(claim)
    text = str(value).strip() if value is not None else ""
    return text or None


def _groups(payload: dict[str, Any], claim: str) -> list[str]:
    value = payload.get(claim) or []
    # Some IdPs send one group as a string, or several as "a,b" / "[a, b]" (Cognito mapped attributes).
    if isinstance(value, str):
        value = [g.strip(" []\"'") for g in value.split(",")]
    return [str(g) for g in value if str(g)]


def claims_from_payload(payload: dict[str, Any], settings: Settings) -> Claims:
    """The portal's view of a verified payload, read through the configured claim names."""
    empno = _text(payload, settings.oidc_empno_claim)
    if not empno:
        raise Unauthorized(messages.NO_EMPNO)
    groups = _groups(payload, settings.oidc_groups_claim)
    try:
        return Claims(
            empno=empno,
            name=_text(payload, settings.oidc_name_claim) or empno,
            email=_text(payload, settings.oidc_email_claim),
            department=_text(payload, settings.oidc_department_claim),
            company=_text(payload, settings.oidc_company_claim),
            company_code=_text(payload, settings.oidc_company_code_claim),
            groups=groups,
            # Exactly the configured value: a group that merely looks like "admin" grants nothing.
            is_admin=settings.oidc_admin_group in groups,
            expires_at=int(payload["exp"]),
        )
    except ValidationError as exc:
        raise Unauthorized(messages.INVALID) from exc


class TokenVerifier:
    """Verifies tokens for one deployment's configuration."""

    def __init__(self, settings: Settings, keys: KeySource) -> None:
        self._settings = settings
        self._keys = keys

    def verify(self, token: str | None) -> Claims:
        """Claims of a valid token; Unauthorized for a missing, malformed, expired or forged one."""
        if not token:
            raise Unauthorized(messages.MISSING_TOKEN)
        s = self._settings
        try:
            payload = jwt.decode(
                token,
                self._keys.key_for(token),
                algorithms=["RS256"],  # never HS*: a public key must not double as a shared secret
                issuer=s.oidc_issuer,
                audience=s.oidc_audience,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized(messages.EXPIRED) from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized(messages.INVALID) from exc
        except OSError as exc:  # the issuer's discovery or JWKS endpoint is unreachable
            raise Unauthorized(messages.IDP_UNREACHABLE) from exc
        if s.oidc_token_use and payload.get("token_use") != s.oidc_token_use:
            raise Unauthorized(messages.INVALID)
        return claims_from_payload(payload, s)


def verifier_for(settings: Settings) -> TokenVerifier:
    """The local issuer's key on the local target, the configured issuer's JWKS in AWS."""
    if settings.is_local:
        from portal.auth.local_issuer import signing_key

        key = signing_key(settings)
        return TokenVerifier(settings, StaticKey(key.public, key.kid))
    # Checked where it is used (the functions that verify tokens), so other functions start without it.
    if not settings.oidc_issuer.startswith("https://"):
        raise ValueError("PORTAL_OIDC_ISSUER must be the https:// issuer URL when PORTAL_ENVIRONMENT=aws")
    if settings.oidc_audience == LOCAL_CLIENT_ID:
        raise ValueError("PORTAL_OIDC_AUDIENCE must be the web client id when PORTAL_ENVIRONMENT=aws")
    return TokenVerifier(settings, IssuerJwks(settings.oidc_issuer))
