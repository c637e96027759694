"""The local issuer speaks OIDC: discovery, JWKS, the Korean login form, code + PKCE, refresh, logout."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration

REDIRECT = "http://127.0.0.1:8000/"


@pytest.fixture
def client(database_url: str, aws: dict) -> TestClient:
    from portal.local.server import create_local_app

    # The local origin (the default issuer's): the server refuses any other Host (DNS rebinding).
    return TestClient(create_local_app(), base_url="http://127.0.0.1:8000", follow_redirects=False)


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def _authorize(challenge: str, **overrides: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "portal-web",
        "redirect_uri": REDIRECT,
        "scope": "openid profile email offline_access",
        "state": "st-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }


def _sign_in(client: TestClient, challenge: str, **person: str) -> str:
    """Submit the login form; the code from the redirect."""
    form = {**_authorize(challenge), "empno": "E1001", "name": "홍길동", "department": "AI팀", **person}
    response = client.post("/oidc/authorize", data=form)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT and query["state"] == ["st-1"]
    return query["code"][0]


def _redeem(client: TestClient, code: str, verifier: str) -> object:
    return client.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "portal-web",
            "code_verifier": verifier,
        },
    )


def test_discovery_names_the_endpoints_and_the_keys_verify_its_tokens(client: TestClient) -> None:
    meta = client.get("/oidc/.well-known/openid-configuration").json()
    assert meta["issuer"] == "http://127.0.0.1:8000/oidc"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "refresh_token"} <= set(meta["grant_types_supported"])
    assert meta["end_session_endpoint"].endswith("/oidc/logout")
    keys = client.get("/oidc/jwks").json()["keys"]
    assert [k["alg"] for k in keys] == ["RS256"] and "d" not in keys[0]  # public half only


def test_the_login_form_is_korean_and_carries_the_request_along(client: TestClient) -> None:
    _, challenge = _pkce()
    page = client.get("/oidc/authorize", params=_authorize(challenge))
    assert page.status_code == 200
    for label in ("사번", "이름", "부서", "관리자"):
        assert label in page.text
    assert challenge in page.text


def test_code_with_pkce_gives_tokens_the_api_accepts(client: TestClient, db) -> None:
    # Given a person who signs in on the form as an administrator
    verifier, challenge = _pkce()
    code = _sign_in(client, challenge, admin="true")
    # When the client redeems the code with its verifier
    tokens = _redeem(client, code, verifier).json()
    # Then it gets ID, access and refresh tokens, and the ID token signs in to the API
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["token_use"] == "id" and claims["aud"] == "portal-web"
    assert claims["cognito:groups"] == ["portal-admins"] and claims["custom:department"] == "AI팀"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {tokens['id_token']}"}).json()
    assert (me["empno"], me["is_admin"]) == ("E1001", True)
    # And the access token is not accepted where ID tokens are configured
    refused = client.get("/api/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert refused.status_code == 401


def test_a_wrong_verifier_or_a_reused_code_gets_no_tokens(client: TestClient) -> None:
    verifier, challenge = _pkce()
    code = _sign_in(client, challenge)
    wrong = _redeem(client, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # The code was spent by the failed attempt: the right verifier comes too late.
    assert _redeem(client, code, verifier).status_code == 400


def test_a_refresh_token_gives_a_fresh_id_token_for_the_same_person(client: TestClient) -> None:
    verifier, challenge = _pkce()
    tokens = _redeem(client, _sign_in(client, challenge, empno="E2002", name="김철수"), verifier).json()
    refreshed = client.post(
        "/oidc/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": "portal-web",
        },
    )
    assert refreshed.status_code == 200
    claims = jwt.decode(refreshed.json()["id_token"], options={"verify_signature": False})
    assert (claims["custom:empno"], claims["name"]) == ("E2002", "김철수")
    # An ID token is not a refresh token
    misuse = client.post(
        "/oidc/token", data={"grant_type": "refresh_token", "refresh_token": tokens["id_token"]}
    )
    assert misuse.status_code == 400


@pytest.mark.parametrize(
    "override",
    [
        {"redirect_uri": "https://evil.example/cb"},
        {"client_id": "someone-else"},
        {"code_challenge_method": "plain"},
    ],
    ids=["foreign-redirect", "unknown-client", "no-s256"],
)
def test_bad_authorize_requests_are_refused(client: TestClient, override: dict[str, str]) -> None:
    _, challenge = _pkce()
    response = client.get("/oidc/authorize", params=_authorize(challenge, **override))
    assert response.status_code == 400


def test_logout_sends_the_browser_back_only_to_this_machine(client: TestClient) -> None:
    back = client.get("/oidc/logout", params={"post_logout_redirect_uri": REDIRECT})
    assert back.status_code == 302 and back.headers["location"] == REDIRECT
    elsewhere = client.get("/oidc/logout", params={"post_logout_redirect_uri": "https://evil.example/"})
    assert elsewhere.status_code == 200 and "로그아웃" in elsewhere.text


def test_config_json_tells_the_ui_where_to_sign_in(client: TestClient) -> None:
    config = client.get("/config.json").json()
    assert config["auth"] == {
        "authority": "http://127.0.0.1:8000/oidc",
        "clientId": "portal-web",
        "scope": "openid profile email",
    }
    assert client.post("/local/token", json={"empno": "E1", "name": "x"}).status_code in (404, 405)


def test_the_issuers_own_origin_is_a_valid_redirect_too(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.settings import reset_settings

    # Given `portal dev` serving on a LAN name rather than localhost
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", "http://portal.lan:8000/oidc")
    reset_settings()
    _, challenge = _pkce()
    # Then its own pages may be the redirect target, and other hosts still may not
    same_origin = client.get(
        "/oidc/authorize", params=_authorize(challenge, redirect_uri="http://portal.lan:8000/")
    )
    assert same_origin.status_code == 200
    other_port = client.get(
        "/oidc/authorize", params=_authorize(challenge, redirect_uri="http://portal.lan:9999/")
    )
    assert other_port.status_code == 400
