"""Shared fixtures: a real embedded PostgreSQL per run, a fresh database per test, moto.

Every test database is a copy of a migrated template (CREATE DATABASE ... TEMPLATE), which
takes a few tens of milliseconds and isolates tests completely. Under pytest-xdist (`make test`
runs `-n auto`) the workers share one server, each with its own template database.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from portal.local.target import LOCAL_AWS_ENV

# Records every AWS call of the session for the IAM contract (tests/deploy/test_iam_contract.py).
pytest_plugins = ["tests.deploy.plugin"]

REPO = Path(__file__).resolve().parents[1]
# One template per xdist worker ("main" without xdist): workers never migrate the same database.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE_DB = f"portal_template_{WORKER}"
# The suites that build the CDK app share one synth (tests/infra/helpers.default_app) and the layer
# cache in infra/.build: under xdist they run on one worker (--dist loadgroup), once.
CDK_SUITES = ("tests/infra/", "tests/deploy/")
# Suites that take minutes: `pytest -m "not slow"` leaves them out of a quick loop; `make test` runs them.
SLOW_SUITES = (*CDK_SUITES, "tests/e2e/")
TEST_TOKEN_TTL_SECONDS = 24 * 3600
# Read before _isolated_env clears PORTAL_*: who the tests' databases sign in as (database_url).
TEST_DB_ROLE = os.environ.get("PORTAL_TEST_DB_ROLE", "")
ADMIN_USER = "postgres"  # pgserver's superuser, which migrates the templates

# The local target's environment, quieter: tests read logs only when they fail.
LOCAL_ENV = {**LOCAL_AWS_ENV, "POWERTOOLS_LOG_LEVEL": "WARNING"}


# The local issuer's key for this session, never in the repo's .local/. Set at import, before
# any test module is collected: some mint tokens at module level (make_token in a constant).
LOCAL_DATA_DIR = tempfile.mkdtemp(prefix="portal-local-")
os.environ["PORTAL_LOCAL_DATA_DIR"] = LOCAL_DATA_DIR
atexit.register(shutil.rmtree, LOCAL_DATA_DIR, ignore_errors=True)
# The local embedder's ONNX export (portal.rag.local_model) is kept in the repo's .local/ across
# sessions and shared by parallel workers (a file lock): `make install` exports it once, ahead.
EMBEDDER_DIR = str(Path(__file__).resolve().parents[1] / ".local" / "embedders")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts from local settings and fresh collaborators; nothing leaks between tests."""
    from portal import services

    for key in list(os.environ):
        if key.startswith("PORTAL_") or key in (
            "DATABASE_URL",
            "ANTHROPIC_API_KEY",
            "GOOGLE_API_KEY",
            "TAVILY_API_KEY",
            "BRAVE_API_KEY",
        ):
            monkeypatch.delenv(key, raising=False)
    for key, value in LOCAL_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PORTAL_LOCAL_DATA_DIR", LOCAL_DATA_DIR)
    monkeypatch.setenv("PORTAL_LOCAL_EMBEDDER_DIR", EMBEDDER_DIR)
    services.reset()
    _reset_llm()
    yield
    services.reset()
    _reset_llm()


def _reset_llm() -> None:
    from portal.llm import service

    clear = getattr(service.providers, "cache_clear", None)  # a test may have replaced it
    if clear:
        clear()


# tryfirst: pytest-xdist's own hook reads the xdist_group marks to group the tests; it must see ours.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid  # always with "/", relative to the rootdir
        if path.startswith(SLOW_SUITES):
            item.add_marker(pytest.mark.slow)
        if path.startswith(CDK_SUITES):
            item.add_marker(pytest.mark.xdist_group("cdk"))


@pytest.fixture(scope="session")
def pg_server(testrun_uid: str):
    """One real PostgreSQL 16 for the whole run (all xdist workers), with this worker's migrated template."""
    import pgserver
    from portal.db.migrate import apply_migrations
    from portal.db.psycopg_executor import PsycopgExecutor

    # Not under pytest's basetemp: pytest rotates old basetemps away while a concurrent session's
    # server may still be using one. Named by the run, so that its workers find the same server;
    # pgserver counts their handles and the last one to leave stops it and deletes the directory.
    pgdata = Path(tempfile.gettempdir()) / f"portal-pg-{testrun_uid}"
    pgdata.mkdir(exist_ok=True)  # get_server's own mkdir fails for the second worker
    server = pgserver.get_server(str(pgdata), cleanup_mode="delete")
    server.psql(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"; CREATE DATABASE "{TEMPLATE_DB}";')
    executor = PsycopgExecutor(server.get_uri(TEMPLATE_DB), min_size=1, max_size=1)
    apply_migrations(executor)
    executor.close()
    _let_app_role_log_in(server)
    yield server
    server.cleanup()


def _let_app_role_log_in(server) -> None:
    """The app role (migration 0010) may log in here; with the server's trust auth, no password.

    In AWS the migrate function gives it the app secret's password (tests/security/test_app_role.py
    proves that login with a real password check). Workers race to do this: retry the loser.
    """
    import psycopg
    from portal.db.app_role import APP_ROLE

    for _ in range(5):
        try:
            with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
                conn.execute(f"ALTER ROLE {APP_ROLE} LOGIN")
            return
        except psycopg.errors.InternalError:  # "tuple concurrently updated" by another worker
            continue


def _as_user(url: str, user: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(url), "user": user})


def app_role_url(url: str) -> str:
    """The same database, signed in as the app role: row privileges only, as every function but
    migrate in AWS."""
    from portal.db.app_role import APP_ROLE

    return _as_user(url, APP_ROLE)


@pytest.fixture
def admin_database_url(database_url: str) -> str:
    """This test's database as its owner (the superuser): for DDL, whatever database_url signs in as."""
    return _as_user(database_url, ADMIN_USER)


@pytest.fixture
def database_url(pg_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database for this test; DATABASE_URL points at it.

    PORTAL_TEST_DB_ROLE=portal_app signs every test in as the app role instead of the superuser:
    run any suite that way to prove the role's grants are enough for it.
    """
    from portal import services

    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.psql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}";')
    url = pg_server.get_uri(name)
    if TEST_DB_ROLE == "portal_app":
        url = app_role_url(url)
    monkeypatch.setenv("DATABASE_URL", url)
    services.reset()
    yield url
    services.reset()
    pg_server.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')


@pytest.fixture
def db(database_url: str):
    """The executor of this test's database."""
    from portal import services

    return services.db()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """moto with the portal's tables, bucket, functions and chat state machine provisioned."""
    from moto import mock_aws
    from portal import services
    from portal.local.moto_aws import provision
    from portal.settings import get_settings

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        created = provision(get_settings())
        monkeypatch.setenv("PORTAL_CHAT_STATE_MACHINE_ARN", created["chat_state_machine_arn"])
        monkeypatch.setenv("PORTAL_RESEARCH_STATE_MACHINE_ARN", created["research_state_machine_arn"])
        services.reset(keep_db=True)
        yield created
    services.reset(keep_db=True)


@pytest.fixture
def target(database_url: str) -> Iterator[object]:
    """The whole local target (server on a free port) over this test's database."""
    from portal.local.target import LocalTarget

    # Signed in as the app role (PORTAL_TEST_DB_ROLE), the target migrates as the owner, as in AWS.
    owner = _as_user(database_url, ADMIN_USER) if TEST_DB_ROLE else None
    extra_env = {"POWERTOOLS_LOG_LEVEL": "WARNING"}
    with LocalTarget(database_url=database_url, extra_env=extra_env, migrate_url=owner) as running:
        yield running


def make_token(empno: str = "E1001", name: str = "홍길동", *, admin: bool = False, **kwargs: object) -> str:
    """An ID token from the local issuer, for the current settings' issuer (the factory every test uses).

    A day long unless `ttl_seconds` says otherwise: some tests mint at import, long before use.
    """
    from portal.auth.local_issuer import mint_local_token
    from portal.settings import get_settings

    kwargs.setdefault("ttl_seconds", TEST_TOKEN_TTL_SECONDS)
    return mint_local_token(get_settings(), empno=empno, name=name, admin=admin, **kwargs)  # type: ignore[arg-type]


def trust_local_issuer_in_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let an app configured for AWS verify make_token()'s tokens: the deployed verifier, with the
    local issuer's key standing in for the issuer's JWKS (there is no Cognito here)."""
    from functools import lru_cache

    from portal import services
    from portal.auth.local_issuer import signing_key
    from portal.auth.tokens import StaticKey, TokenVerifier
    from portal.settings import get_settings

    @lru_cache(maxsize=1)
    def verifier() -> TokenVerifier:
        settings = get_settings()
        key = signing_key(settings)
        return TokenVerifier(settings, StaticKey(key.public, key.kid))

    monkeypatch.setattr(services, "token_verifier", verifier)


@pytest.fixture
def token() -> str:
    return make_token()


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    # Bytes never name a test: generated files carry their build time, so ids spelled from their
    # bytes differ between xdist workers (a collection error), and a zip bomb's id overflowed the
    # environment every subprocess inherits. pytest numbers the repeats (data0, data1, ...).
    if isinstance(val, bytes | bytearray):
        return argname
    return None
