"""The application role's login: the migrate function gives it the password of its secret.

Migration 0010 creates ``portal_app`` without a password (SQL files hold no secrets). After
each run the migrate function, the only one holding the admin secret, reads the app secret
and sets the role's password from it, so the secret is the single place the password lives
and a changed secret value takes effect on the next deploy.

The password goes to PostgreSQL as a SCRAM-SHA-256 verifier computed here (as psql's
``\\password`` does), never as clear text: statement logs, pg_stat_statements and error
messages would otherwise keep it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from portal.db.executor import Executor

APP_ROLE = "portal_app"
# PostgreSQL's own default (scram_iterations), which libpq uses for \password too.
SCRAM_ITERATIONS = 4096
_SALT_BYTES = 16
_VERIFIER = re.compile(r"^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$")


class AppSecretInvalid(ValueError):
    """The app secret is not {"username": "portal_app", "password": "..."}: fix the secret."""


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never the password, in a log line or a traceback
        return f"Credentials(username={self.username!r}, password=***)"


def credentials_from_secret(secret_string: object) -> Credentials:
    """The username and password of an RDS database secret's JSON value."""
    try:
        value = json.loads(secret_string) if isinstance(secret_string, str) else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise AppSecretInvalid("the app database secret is not a JSON object")
    username, password = value.get("username"), value.get("password")
    if username != APP_ROLE:
        raise AppSecretInvalid(f"the app database secret names user {username!r}, not {APP_ROLE!r}")
    if not isinstance(password, str) or not password:
        raise AppSecretInvalid("the app database secret has no password")
    return Credentials(username, password)


def scram_sha256_verifier(
    password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS
) -> str:
    """What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677, PostgreSQL's format).

    The password is used as given: RDS secrets are ASCII, for which SASLprep changes nothing.
    """
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    return f"SCRAM-SHA-256${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def set_app_role_password(executor: Executor, credentials: Credentials) -> None:
    """Let the app role log in with the secret's password (run as the admin, after migrating)."""
    verifier = scram_sha256_verifier(credentials.password)
    # ALTER ROLE takes no bind parameters; the verifier is base64 and punctuation only (checked).
    if not _VERIFIER.match(verifier):
        raise AssertionError("unexpected characters in a SCRAM verifier")
    executor.execute(f"ALTER ROLE {APP_ROLE} WITH LOGIN PASSWORD '{verifier}'")


def sync_app_role(executor: Executor, secret_arn: str) -> str:
    """Read the app secret (fresh, not cached) and give its password to the app role; its name."""
    from aws_lambda_powertools.utilities import parameters

    credentials = credentials_from_secret(parameters.get_secret(secret_arn, force_fetch=True))
    set_app_role_password(executor, credentials)
    return credentials.username
