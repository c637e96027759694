"""Authentication (bearer JWTs) and the principal a request or turn runs as."""

from portal.auth.tokens import Claims, TokenVerifier, mint_local_token

__all__ = ["Claims", "TokenVerifier", "mint_local_token"]
