"""Bearer JWT verification: HS256 with a shared secret (the seed's empno tokens) or RS256 via OIDC JWKS."""

from __future__ import annotations

import json
import time
import urllib.request
from functools import cached_property
from typing import Any

import jwt
from pydantic import BaseModel, Field, ValidationError

from portal.errors import Unauthorized
from portal.settings import Settings
from portal.settings.model import LOCAL_JWT_SECRET

# Placeholder secrets that must never verify tokens in a deployed stage.
_PLACEHOLDER_SECRETS = {"", "changeme", "secret", LOCAL_JWT_SECRET}

# Tokens minted by other systems spell the claims differently; accept the common ones.
_EMPNO_CLAIMS = ("empno", "employee_number", "employeeNumber")
_NAME_CLAIMS = ("name", "name_ko")


class Claims(BaseModel):
    """What the portal takes from a verified token."""

    empno: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    company: str | None = Field(default=None, max_length=100)
    company_code: str | None = Field(default=None, max_length=10)
    roles: list[str] = Field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


def _claims_from_payload(payload: dict[str, Any]) -> Claims:
    empno = next((payload[k] for k in _EMPNO_CLAIMS if payload.get(k)), None)
    name = next((payload[k] for k in _NAME_CLAIMS if payload.get(k)), None) or empno
    roles = payload.get("roles") or payload.get("groups") or []
    if isinstance(roles, str):
        roles = [roles]
    try:
        return Claims(
            empno=str(empno) if empno else "",
            name=str(name or ""),
            company=payload.get("company"),
            company_code=payload.get("company_code"),
            roles=[str(r) for r in roles],
        )
    except ValidationError as exc:
        raise Unauthorized("Token lacks a valid empno or name claim") from exc


class TokenVerifier:
    """Verifies tokens for one deployment's configuration."""

    def __init__(self, settings: Settings, *, secret: str | None = None) -> None:
        self._settings = settings
        self._secret = secret if secret is not None else settings.jwt_secret
        # Checked here, not in Settings: only functions that verify tokens need the signing key.
        if not settings.is_local and not settings.oidc_issuer and self._secret in _PLACEHOLDER_SECRETS:
            raise ValueError("PORTAL_JWT_SECRET must be a real secret when PORTAL_ENVIRONMENT=aws")

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient:
        # OIDC discovery names the key set; fetched once per container, keys cached an hour.
        issuer = (self._settings.oidc_issuer or "").rstrip("/")
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=5) as resp:  # noqa: S310
            jwks_uri = json.load(resp)["jwks_uri"]
        return jwt.PyJWKClient(jwks_uri, cache_keys=True, lifespan=3600)

    def verify(self, token: str | None) -> Claims:
        """Claims of a valid token; Unauthorized for a missing, malformed, expired or forged one."""
        if not token:
            raise Unauthorized("Missing bearer token")
        options: Any = {"require": ["exp"], "verify_aud": self._settings.jwt_audience is not None}
        try:
            if self._settings.oidc_issuer:
                key = self._jwks.get_signing_key_from_jwt(token).key
                payload = jwt.decode(
                    token,
                    key,
                    algorithms=["RS256"],
                    issuer=self._settings.oidc_issuer,
                    audience=self._settings.jwt_audience,
                    options=options,
                )
            else:
                payload = jwt.decode(
                    token,
                    self._secret,
                    algorithms=["HS256"],
                    audience=self._settings.jwt_audience,
                    options=options,
                )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("Token expired") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("Invalid token") from exc
        except OSError as exc:  # the issuer's discovery or JWKS endpoint is unreachable
            raise Unauthorized("Cannot verify token: identity provider unreachable") from exc
        return _claims_from_payload(payload)


def mint_local_token(
    settings: Settings,
    *,
    empno: str,
    name: str,
    admin: bool = False,
    company_code: str | None = "LOCAL",
    ttl_seconds: int | None = None,
) -> str:
    """An HS256 token for the local target only; refuses when configured for AWS or OIDC."""
    if not settings.is_local or settings.oidc_issuer:
        raise RuntimeError("Minting tokens is only allowed on the local target (PORTAL_ENVIRONMENT=local)")
    now = int(time.time())
    ttl = ttl_seconds if ttl_seconds is not None else settings.token_ttl_hours * 3600
    claims = Claims(empno=empno, name=name, company_code=company_code, roles=["admin"] if admin else ["user"])
    payload = {**claims.model_dump(exclude_none=True), "iat": now, "exp": now + ttl}
    if settings.jwt_audience:
        payload["aud"] = settings.jwt_audience
    return jwt.encode(payload, settings.jwt_secret, algorithm="HS256")
