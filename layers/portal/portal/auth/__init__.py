"""Authentication (OIDC bearer tokens) and the principal a request or turn runs as."""

from portal.auth.local_issuer import mint_local_token
from portal.auth.tokens import Claims, TokenVerifier

__all__ = ["Claims", "TokenVerifier", "mint_local_token"]
