"""Sign-in over REST on real PostgreSQL: bad tokens are refused and leave no trace; good ones provision the user."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from tests.conftest import make_token

pytestmark = pytest.mark.integration


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.api.app import create_app

    return TestClient(create_app())


def _users(db) -> int:
    return db.fetch_one("SELECT count(*) AS n FROM users")["n"]


def _me(client: TestClient, token: str) -> Any:
    return client.get("/api/me", headers={"Authorization": f"Bearer {token}"})


def _forged(**overrides: Any) -> str:
    """A token the local issuer would never sign: the right claims, another key under the right kid."""
    from portal.auth.local_issuer import signing_key
    from portal.settings import get_settings

    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.oidc_issuer, "aud": s.oidc_audience, "iat": now, "exp": now + 600, "token_use": "id"}
    claims |= {"custom:empno": "E6666", "name": "위조", **overrides}
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, other, algorithm="RS256", headers={"kid": signing_key(s).kid})


def _signed(**overrides: Any) -> str:
    """A token signed by the local issuer's key with the given claims changed (None drops a claim)."""
    from portal.auth.local_issuer import signing_key
    from portal.settings import get_settings

    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.oidc_issuer, "aud": s.oidc_audience, "iat": now, "exp": now + 600, "token_use": "id"}
    claims |= {"custom:empno": "E6666", "name": "침입자", **overrides}
    return signing_key(s).sign({k: v for k, v in claims.items() if v is not None})


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: _signed(aud="another-client"), id="wrong audience"),
        pytest.param(lambda: _signed(iss="https://evil.example/oidc"), id="wrong issuer"),
        pytest.param(lambda: _forged(), id="wrong key"),
        pytest.param(
            lambda: jwt.encode({"custom:empno": "E6666", "exp": time.time() + 60}, None, algorithm="none"),
            id="alg none",
        ),
        pytest.param(lambda: make_token("E6666", ttl_seconds=-5), id="expired"),
        pytest.param(lambda: _signed(**{"custom:empno": None}), id="missing employee number"),
        pytest.param(lambda: _signed(token_use="access"), id="access token"),
    ],
)
def test_a_bad_token_is_401_and_nothing_is_stored(client: TestClient, db, token) -> None:
    # Given a token that must not sign anyone in
    # When it is used
    response = _me(client, token())
    # Then 401, and no user row was written
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    assert _users(db) == 0


def test_hs256_signed_with_the_public_key_is_401_and_nothing_is_stored(client: TestClient, db) -> None:
    from cryptography.hazmat.primitives import serialization
    from portal.auth.local_issuer import signing_key
    from portal.settings import get_settings

    s = get_settings()
    pem = signing_key(s).public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {"iss": s.oidc_issuer, "aud": s.oidc_audience, "exp": time.time() + 600, "custom:empno": "E6666"}
    # PyJWT refuses to sign with a PEM as an HMAC secret; build the token by hand as an attacker would.
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    body = jwt.utils.base64url_encode(json.dumps(claims).encode())
    mac = jwt.algorithms.HMACAlgorithm(jwt.algorithms.HMACAlgorithm.SHA256).sign(header + b"." + body, pem)
    token = b".".join((header, body, jwt.utils.base64url_encode(mac))).decode()

    assert _me(client, token).status_code == 401
    assert _users(db) == 0


def test_a_group_named_admin_is_not_the_admin_group(client: TestClient, db) -> None:
    # Given a user whose IdP groups include something called "admin", but not portal-admins
    token = _signed(**{"custom:empno": "E3003", "cognito:groups": ["admin", "portal-admin"]})
    # When they sign in
    response = _me(client, token)
    # Then they are a user, not an administrator, and admin routes are closed to them
    assert response.status_code == 200 and response.json()["is_admin"] is False
    admin_only = client.get("/api/admin/agents", headers={"Authorization": f"Bearer {token}"})
    assert admin_only.status_code == 403


def test_first_sign_in_creates_the_user_and_later_ones_update_name_department_company(
    client: TestClient, db
) -> None:
    # Given a first sign-in
    first = make_token("E4004", "이영희", department="인사팀", company="본사")
    assert _me(client, first).status_code == 200
    row = db.fetch_one("SELECT name_ko, department, company FROM users WHERE empno = 'E4004'")
    assert (row["name_ko"], row["department"], row["company"]) == ("이영희", "인사팀", "본사")
    # When the IdP later says she moved and changed her name
    later = make_token("E4004", "이영희B", department="재무팀", company="자회사")
    assert _me(client, later).status_code == 200
    # Then the row follows
    row = db.fetch_one("SELECT name_ko, department, company FROM users WHERE empno = 'E4004'")
    assert (row["name_ko"], row["department"], row["company"]) == ("이영희B", "재무팀", "자회사")


def test_outside_the_email_domain_allow_list_is_403_in_korean_and_nothing_is_stored(
    client: TestClient,
    db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal import services

    # Given a deployment that admits only example.co.kr addresses
    monkeypatch.setenv("PORTAL_SIGNIN_ALLOWED_EMAIL_DOMAINS", '["example.co.kr"]')
    services.reset(keep_db=True)
    # When someone with a valid token from another domain signs in
    response = _me(client, make_token("E5005", email="e5005@partner.com"))
    # Then 403 with a Korean message, and no user row
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "signin_not_allowed" and "관리자에게 문의" in error["message"]
    assert _users(db) == 0
    # And someone inside the domain gets in
    assert _me(client, make_token("E5006", email="e5006@example.co.kr")).status_code == 200


def test_a_listed_idp_group_admits_and_others_are_refused(
    client: TestClient,
    db,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal import services

    monkeypatch.setenv("PORTAL_SIGNIN_ALLOWED_GROUPS", '["ai-portal-users"]')
    services.reset(keep_db=True)

    assert _me(client, _signed(**{"cognito:groups": ["sales"]})).status_code == 403
    assert _users(db) == 0
    assert _me(client, _signed(**{"cognito:groups": ["ai-portal-users"]})).status_code == 200
