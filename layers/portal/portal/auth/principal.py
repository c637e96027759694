"""Turns a bearer token into the portal user it belongs to (provisioned and cached)."""

from __future__ import annotations

import hashlib
import json

from portal import services
from portal.auth.tokens import Claims
from portal.db.repositories import users
from portal.db.repositories.users import User

USER_CACHE_TTL_SECONDS = 300


def _fingerprint(claims: Claims) -> str:
    return hashlib.sha256(json.dumps(claims.model_dump(), sort_keys=True).encode()).hexdigest()[:16]


def user_cache_key(empno: str) -> str:
    return f"user:{empno}"


def authenticate(token: str | None) -> User:
    """The user a valid token names; provisions them on first sight. Raises Unauthorized."""
    claims = services.token_verifier().verify(token)
    cache = services.cache()
    key, fingerprint = user_cache_key(claims.empno), _fingerprint(claims)
    cached = cache.get(key)
    # Claims unchanged since we last wrote the row: skip the database on this request.
    if isinstance(cached, dict) and cached.get("fp") == fingerprint:
        return User.model_validate(cached["user"])
    user = users.upsert_from_claims(
        services.db(),
        empno=claims.empno,
        name_ko=claims.name,
        company=claims.company,
        company_code=claims.company_code,
        roles=claims.roles,
    )
    cache.set(
        key,
        {"fp": fingerprint, "user": user.model_dump(mode="json")},
        ttl=USER_CACHE_TTL_SECONDS,
        tags=[f"user:{claims.empno}"],
    )
    return user
