"""Turns a bearer token into the portal user it belongs to (provisioned and cached)."""

from __future__ import annotations

import hashlib
import json

from portal import services
from portal.auth import messages
from portal.auth.tokens import Claims
from portal.cache.tags import user_tag
from portal.db.repositories import users
from portal.db.repositories.users import User
from portal.errors import Forbidden
from portal.settings import Settings, get_settings

USER_CACHE_TTL_SECONDS = 300


class SignInNotAllowed(Forbidden):
    """A valid token for someone outside the deployment's allow-list."""

    code = "signin_not_allowed"


def _fingerprint(claims: Claims) -> str:
    # exp changes with every token; the row only with who the user is.
    identity = claims.model_dump(exclude={"expires_at"})
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def user_cache_key(empno: str) -> str:
    return f"user:{empno}"


def is_allowed(claims: Claims, settings: Settings) -> bool:
    """With no allow-list everyone the issuer vouches for may sign in; else a listed domain or group."""
    domains = {d.lower().lstrip("@") for d in settings.signin_allowed_email_domains}
    groups = set(settings.signin_allowed_groups)
    if not domains and not groups:
        return True
    email_domain = (claims.email or "").rpartition("@")[2].lower()
    return bool(email_domain and email_domain in domains) or bool(groups.intersection(claims.groups))


def verify(token: str | None) -> Claims:
    """Claims of a valid token for someone allowed in; nothing is stored."""
    claims = services.token_verifier().verify(token)
    if not is_allowed(claims, get_settings()):
        raise SignInNotAllowed(messages.NOT_ALLOWED)
    return claims


def provision(claims: Claims) -> User:
    """The user row for verified claims: created on first sign-in, refreshed when the IdP says otherwise."""
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
        department=claims.department,
        company=claims.company,
        company_code=claims.company_code,
        roles=claims.roles,
    )
    cache.set(
        key,
        {"fp": fingerprint, "user": user.model_dump(mode="json")},
        ttl=USER_CACHE_TTL_SECONDS,
        tags=[user_tag(claims.empno)],
    )
    return user


def authenticate(token: str | None) -> User:
    """The user a valid token names; provisions them on first sight. Raises Unauthorized/Forbidden."""
    return provision(verify(token))
