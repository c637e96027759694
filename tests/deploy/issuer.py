"""The configured OIDC issuer (Cognito in AWS), stood in for on this machine.

The deployed api and ws functions find their keys the way they do in AWS: the discovery
document under PORTAL_OIDC_ISSUER, then its jwks_uri, both fetched with urllib. This serves
those two documents for that one issuer (any other URL falls through to the real handlers,
which have no network here), and signs ID tokens with the key they publish.
"""

from __future__ import annotations

import io
import json
import time
import urllib.request
import urllib.response
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "deploy-test-key"


class IssuerStandIn:
    """Discovery + JWKS of one issuer, answered to urllib; ID tokens signed with its key."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer.rstrip("/")
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.requests: list[str] = []

    def _documents(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {
            f"{self.issuer}/.well-known/openid-configuration": {
                "issuer": self.issuer,
                "jwks_uri": f"{self.issuer}/.well-known/jwks.json",
            },
            f"{self.issuer}/.well-known/jwks.json": {
                "keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]
            },
        }

    def answer(self, url: str) -> urllib.response.addinfourl | None:
        """This issuer's document at `url`, or None for any other URL."""
        document = self._documents().get(url)
        if document is None:
            return None
        self.requests.append(url)
        headers = Message()
        headers["Content-Type"] = "application/json"
        response = urllib.response.addinfourl(io.BytesIO(json.dumps(document).encode()), headers, url, 200)
        response.msg = "OK"  # type: ignore[attr-defined]  # read by urllib's HTTPErrorProcessor
        return response

    def id_token(self, *, audience: str, claims: dict[str, Any], ttl_seconds: int = 600) -> str:
        """An ID token as Cognito issues it for the web client."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": audience,
            "token_use": "id",
            "iat": now,
            "exp": now + ttl_seconds,
        }
        return jwt.encode({**payload, **claims}, self._key, algorithm="RS256", headers={"kid": KID})

    @contextmanager
    def serving(self) -> Iterator[IssuerStandIn]:
        """urllib answers this issuer's documents while the block runs.

        Patched in urllib's HTTPS handler, the one place both paths meet: the portal's
        discovery fetch (urlopen) and PyJWT's JWKS fetch (an opener of its own).
        """
        original = urllib.request.HTTPSHandler.https_open

        def https_open(handler: urllib.request.HTTPSHandler, request: urllib.request.Request) -> Any:
            return self.answer(request.full_url) or original(handler, request)

        urllib.request.HTTPSHandler.https_open = https_open  # type: ignore[method-assign]
        try:
            yield self
        finally:
            urllib.request.HTTPSHandler.https_open = original  # type: ignore[method-assign]


@cache
def issuer_for(url: str) -> IssuerStandIn:
    """One stand-in per issuer URL for the session (function containers may cache its keys)."""
    return IssuerStandIn(url)
