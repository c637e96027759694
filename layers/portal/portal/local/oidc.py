"""The local target's OIDC issuer under /oidc: discovery, JWKS, a Korean login form, token, logout.

Just enough of OpenID Connect for the web UI's OIDC client (authorization code + PKCE S256,
refresh tokens) and for `portal token`; the tokens carry Cognito's claim names so the
API verifies them with the same settings and code as in AWS. Never mounted in AWS: only
the local app (portal.local.server) includes this router.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from portal.auth import local_issuer
from portal.settings import Settings, get_settings

PREFIX = "/oidc"
CODE_TTL_SECONDS = 120
SCOPES = ["openid", "profile", "email", "offline_access"]
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@dataclass(frozen=True)
class _Grant:
    """An issued authorization code, waiting for the token request that proves the PKCE verifier."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    identity: dict[str, Any]
    expires_at: float


# Codes live for two minutes in this process; a restart just means signing in again.
_grants: dict[str, _Grant] = {}


class OidcError(Exception):
    """An OAuth error answered as {"error": code, "error_description": ...} with status 400."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def _endpoints(settings: Settings) -> dict[str, str]:
    issuer = settings.oidc_issuer.rstrip("/")
    return {
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "end_session_endpoint": f"{issuer}/logout",
    }


def _is_local_url(url: str, settings: Settings) -> bool:
    """Redirects go back to this machine or the issuer's own origin only: never an open redirector."""
    parts, issuer = urlsplit(url), urlsplit(settings.oidc_issuer)
    if parts.scheme not in ("http", "https"):
        return False
    return (parts.hostname or "") in _LOCAL_HOSTS or (parts.scheme, parts.netloc) == (
        issuer.scheme,
        issuer.netloc,
    )


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def _form(request: Request) -> dict[str, str]:
    # Parsed by hand: a form of a few fields does not justify python-multipart.
    return dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))


def _check_authorize(params: dict[str, str], settings: Settings) -> None:
    if params.get("client_id") != settings.oidc_audience:
        raise OidcError("unauthorized_client", f"unknown client_id {params.get('client_id')!r}")
    if not _is_local_url(params.get("redirect_uri", ""), settings):
        raise OidcError("invalid_request", "redirect_uri must be a URL on this machine")
    if params.get("response_type") != "code":
        raise OidcError("unsupported_response_type", "only response_type=code is supported")
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        raise OidcError("invalid_request", "PKCE with code_challenge_method=S256 is required")


def _error(exc: OidcError) -> JSONResponse:
    return JSONResponse({"error": exc.code, "error_description": exc.description}, status_code=400)


@router.get("/.well-known/openid-configuration")
def discovery() -> dict[str, Any]:
    settings = get_settings()
    return {
        "issuer": settings.oidc_issuer,
        **_endpoints(settings),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": SCOPES,
        "claims_supported": ["sub", "name", "email", "custom:empno", "custom:department", "cognito:groups"],
    }


@router.get("/jwks")
def jwks() -> dict[str, Any]:
    return local_issuer.signing_key(get_settings()).jwks()


_FORM = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>로그인 · AI 포털 (로컬)</title>
<style>
body{{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;justify-content:center;padding-top:10vh}}
form{{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:20rem}}
label{{display:block;margin:.8rem 0 .2rem}} input[type=text]{{width:100%;padding:.4rem;box-sizing:border-box}}
.error{{color:#b00020}} button{{margin-top:1.2rem;width:100%;padding:.6rem}} small{{color:#666}}
</style></head><body>
<form method="post" action="{action}">
<h1>AI 포털 로그인</h1>
<p><small>로컬 개발용 로그인입니다. 배포된 포털에서는 회사 계정(SSO)으로 로그인합니다.</small></p>
{error}
<label for="empno">사번</label><input type="text" id="empno" name="empno" required maxlength="20"
 pattern="[A-Za-z0-9_\\-]+" value="{empno}" autofocus>
<label for="name">이름</label><input type="text" id="name" name="name" required maxlength="100" value="{name}">
<label for="department">부서</label><input type="text" id="department" name="department" maxlength="100"
 value="{department}">
<label><input type="checkbox" name="admin" value="true"> 관리자 (portal-admins)</label>
{hidden}
<button type="submit">로그인</button>
</form></body></html>"""

_AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


def _login_page(params: dict[str, str], *, error: str = "", status: int = 200) -> HTMLResponse:
    hidden = "\n".join(
        f'<input type="hidden" name="{k}" value="{html.escape(params[k])}">'
        for k in _AUTHORIZE_PARAMS
        if k in params
    )
    page = _FORM.format(
        action=f"{PREFIX}/authorize",
        error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
        empno=html.escape(params.get("empno", "")),
        name=html.escape(params.get("name", "")),
        department=html.escape(params.get("department", "")),
        hidden=hidden,
    )
    return HTMLResponse(page, status_code=status)


@router.get("/authorize")
def authorize_form(request: Request) -> Response:
    """The login form; the authorize parameters ride along as hidden fields."""
    params = dict(request.query_params)
    try:
        _check_authorize(params, get_settings())
    except OidcError as exc:
        return _error(exc)
    return _login_page(params)


@router.post("/authorize")
async def authorize_submit(request: Request) -> Response:
    """Signs the person in as whoever they typed and sends the browser back with a code."""
    settings = get_settings()
    form = await _form(request)
    try:
        _check_authorize(form, settings)
    except OidcError as exc:
        return _error(exc)
    empno, name = form.get("empno", "").strip(), form.get("name", "").strip()
    if not empno or not name or len(empno) > 20 or not empno.replace("-", "").replace("_", "").isalnum():
        return _login_page(form, error="사번(영문·숫자)과 이름을 입력해 주세요.", status=400)
    identity = local_issuer.id_token_claims(
        empno=empno,
        name=name[:100],
        admin=form.get("admin") == "true",
        department=form.get("department", "").strip()[:100] or None,
        settings=settings,
    )
    code = secrets.token_urlsafe(32)
    _grants[code] = _Grant(
        client_id=form["client_id"],
        redirect_uri=form["redirect_uri"],
        code_challenge=form["code_challenge"],
        nonce=form.get("nonce") or None,
        identity=identity,
        expires_at=time.time() + CODE_TTL_SECONDS,
    )
    query = {"code": code, **({"state": form["state"]} if form.get("state") else {})}
    separator = "&" if urlsplit(form["redirect_uri"]).query else "?"
    return RedirectResponse(f"{form['redirect_uri']}{separator}{urlencode(query)}", status_code=302)


def _tokens(settings: Settings, identity: dict[str, Any], *, nonce: str | None = None) -> dict[str, Any]:
    id_claims = {**identity, **({"nonce": nonce} if nonce else {})}
    return {
        "access_token": local_issuer.mint(settings, identity, token_use="access"),
        "id_token": local_issuer.mint(settings, id_claims, token_use="id"),
        "refresh_token": local_issuer.mint(settings, identity, token_use="refresh"),
        "token_type": "Bearer",
        "expires_in": settings.local_token_ttl_seconds,
        "scope": " ".join(SCOPES),
    }


def _redeem_code(form: dict[str, str], settings: Settings) -> dict[str, Any]:
    grant = _grants.pop(form.get("code", ""), None)  # single use, even when the request fails
    if grant is None or grant.expires_at < time.time():
        raise OidcError("invalid_grant", "unknown or expired code")
    if form.get("client_id", grant.client_id) != grant.client_id:
        raise OidcError("invalid_grant", "code was issued to another client")
    if form.get("redirect_uri") != grant.redirect_uri:
        raise OidcError("invalid_grant", "redirect_uri does not match the authorization request")
    verifier = form.get("code_verifier", "")
    if not verifier or not hmac.compare_digest(_s256(verifier), grant.code_challenge):
        raise OidcError("invalid_grant", "PKCE verification failed")
    return _tokens(settings, grant.identity, nonce=grant.nonce)


def _refresh(form: dict[str, str], settings: Settings) -> dict[str, Any]:
    key = local_issuer.signing_key(settings)
    try:
        payload = jwt.decode(
            form.get("refresh_token", ""),
            key.public,
            algorithms=["RS256"],
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
        )
    except jwt.PyJWTError as exc:
        raise OidcError("invalid_grant", "invalid or expired refresh token") from exc
    if payload.get("token_use") != "refresh":
        raise OidcError("invalid_grant", "not a refresh token")
    registered = {"iss", "aud", "iat", "exp", "token_use", "jti", "nonce"}
    return _tokens(settings, {k: v for k, v in payload.items() if k not in registered})


@router.post("/token")
async def token(request: Request) -> Response:
    """authorization_code (PKCE S256 checked) or refresh_token; the answer is never cached."""
    settings = get_settings()
    form = await _form(request)
    try:
        if form.get("client_id", settings.oidc_audience) != settings.oidc_audience:
            raise OidcError("invalid_client", "unknown client_id")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            body = _redeem_code(form, settings)
        elif grant_type == "refresh_token":
            body = _refresh(form, settings)
        else:
            raise OidcError("unsupported_grant_type", f"unsupported grant_type {grant_type!r}")
    except OidcError as exc:
        return _error(exc)
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/userinfo")
def userinfo(request: Request) -> Response:
    settings = get_settings()
    _, _, bearer = request.headers.get("authorization", "").partition(" ")
    key = local_issuer.signing_key(settings)
    try:
        payload = jwt.decode(
            bearer,
            key.public,
            algorithms=["RS256"],
            issuer=settings.oidc_issuer,
            options={"verify_aud": False},
        )
    except jwt.PyJWTError:
        return JSONResponse({"error": "invalid_token"}, status_code=401)
    if payload.get("token_use") != "access":
        return JSONResponse({"error": "invalid_token"}, status_code=401)
    registered = {"iss", "aud", "iat", "exp", "token_use", "jti", "client_id"}
    return JSONResponse({k: v for k, v in payload.items() if k not in registered})


@router.get("/logout")
def logout(post_logout_redirect_uri: str | None = None, state: str | None = None) -> Response:
    """Nothing to forget server-side (tokens are self-contained); send the browser back."""
    if post_logout_redirect_uri and _is_local_url(post_logout_redirect_uri, get_settings()):
        query = urlencode({"state": state}) if state else ""
        return RedirectResponse(
            post_logout_redirect_uri
            + (("&" if "?" in post_logout_redirect_uri else "?") + query if query else ""),
            status_code=302,
        )
    return HTMLResponse(
        '<!doctype html><html lang="ko"><meta charset="utf-8"><p>로그아웃되었습니다.</p></html>'
    )
