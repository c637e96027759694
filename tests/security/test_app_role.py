"""The database application role (migration 0010): rows yes, schema and roles no.

Every function but migrate runs as ``portal_app`` in AWS (tests/deploy/test_db_roles.py reads
that from the synthesized app). Here, on real PostgreSQL: what the role may not do, that it may
use every table of every migration (and of later ones), and that the password the migrate
function sets from the secret really signs it in. That the grants are enough for the portal is
shown by the suites that run as the role: the authorization matrix, schemathesis and the
workspace-write tests of this folder (every REST route and WebSocket action), and every deploy
test (each function's Data API calls sign in with the app secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from portal.db.app_role import (
    APP_ROLE,
    AppSecretInvalid,
    credentials_from_secret,
    scram_sha256_verifier,
    set_app_role_password,
)
from portal.db.migrate import apply_migrations
from portal.db.psycopg_executor import PsycopgExecutor

from tests.conftest import app_role_url

# What a leaked app credential must not be able to do (each is refused: 42501).
REFUSED = {
    "create table": "CREATE TABLE intruder (id int)",
    "create table like": "CREATE TABLE intruder (LIKE users)",
    "create temp table": "CREATE TEMP TABLE intruder (id int)",
    "create index": "CREATE INDEX intruder ON users (name)",
    "create view": "CREATE VIEW intruder AS SELECT 1",
    "create function": "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "create schema": "CREATE SCHEMA intruder",
    "drop extension": "DROP EXTENSION vector CASCADE",
    "alter table add column": "ALTER TABLE users ADD COLUMN intruder text",
    "alter table disable trigger": "ALTER TABLE users DISABLE TRIGGER ALL",
    "drop table": "DROP TABLE messages",
    "drop view": "DROP VIEW active_workspaces",
    "drop function": "DROP FUNCTION update_updated_at_column() CASCADE",
    "drop index": "DROP INDEX idx_users_company",
    "truncate": "TRUNCATE users CASCADE",
    "create role": "CREATE ROLE intruder LOGIN",
    "alter own role": f"ALTER ROLE {APP_ROLE} CREATEROLE",
    "grant to others": "GRANT ALL ON users TO PUBLIC",
    "read migrations": "SELECT * FROM schema_migrations",
    "forge migration": "INSERT INTO schema_migrations (version, name, checksum) VALUES ('9999', 'x', 'x')",
    "forget migration": "DELETE FROM schema_migrations",
    "read server files": "SELECT pg_read_file('postgresql.conf')",
    "copy to server": "COPY users TO '/tmp/users.csv'",
}
DML = ("SELECT", "INSERT", "UPDATE", "DELETE")


@pytest.fixture
def migrated_url(pg_server) -> Iterator[str]:
    """A database migrated in place, as in AWS: a copy of the template (database_url) would not
    keep the database's own grants (REVOKE TEMPORARY), which CREATE DATABASE ... TEMPLATE resets."""
    name = f"r_{uuid.uuid4().hex[:12]}"
    pg_server.psql(f'CREATE DATABASE "{name}";')
    url = pg_server.get_uri(name)
    executor = PsycopgExecutor(url, min_size=1, max_size=1)
    apply_migrations(executor)
    executor.close()
    yield url
    pg_server.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')


def _app(database_url: str) -> psycopg.Connection:
    return psycopg.connect(app_role_url(database_url), autocommit=True)


def test_the_app_role_can_change_no_schema_no_role_and_no_migration_record(migrated_url: str) -> None:
    # Given a migrated database and a connection signed in as the app role
    before = _schema(migrated_url)
    allowed: list[str] = []
    with _app(migrated_url) as conn:
        assert conn.execute(
            "SELECT current_user, usesuper FROM pg_user WHERE usename = current_user"
        ).fetchone() == (
            APP_ROLE,
            False,
        )
        # When it tries each statement of the table
        for name, sql in REFUSED.items():
            try:
                conn.execute(sql)
            except psycopg.errors.InsufficientPrivilege:
                continue
            allowed.append(name)

    # Then PostgreSQL refused every one of them, but "GRANT ... TO PUBLIC" on a table it does not
    # own, which only warns and grants nothing (the grants are part of the schema compared below)
    assert allowed == ["grant to others"], f"the app role may: {allowed}"
    # And the schema, its grants and the migrations' record are as they were
    assert _schema(migrated_url) == before


def test_the_app_role_may_read_and_write_every_table_and_view_of_every_migration(
    admin_database_url: str,
) -> None:
    with psycopg.connect(admin_database_url, autocommit=True) as admin:
        # Given every table and view the migrations made (0010's grants cover those of 0001-0009)
        relations = _relations(admin)
        assert {"users", "messages", "uploaded_files", "file_chunks", "active_workspaces"} <= set(relations)
        # And one a later migration adds (the admin creates it; default privileges grant it)
        admin.execute("CREATE TABLE later_feature (id BIGSERIAL PRIMARY KEY, note TEXT)")
        relations = _relations(admin)

    with _app(admin_database_url) as conn:
        # Then the app role has each row privilege on each of them, and no other privilege
        missing = [
            f"{privilege} {relation}"
            for relation in relations
            for privilege in DML
            if not conn.execute("SELECT has_table_privilege(%s, %s)", (relation, privilege)).fetchone()[0]
        ]
        extra = [
            f"{privilege} {relation}"
            for relation in relations
            for privilege in ("TRUNCATE", "REFERENCES", "TRIGGER")
            if conn.execute("SELECT has_table_privilege(%s, %s)", (relation, privilege)).fetchone()[0]
        ]
        assert not missing and not extra, (missing, extra)
        # And it really writes the later table, its sequence included
        row = conn.execute("INSERT INTO later_feature (note) VALUES ('ok') RETURNING id").fetchone()
        assert row is not None
        assert conn.execute("UPDATE later_feature SET note = 'ok2'").rowcount == 1
        assert conn.execute("DELETE FROM later_feature").rowcount == 1


def test_the_password_migrate_sets_from_the_secret_signs_the_app_role_in() -> None:
    """Against a server of its own that checks passwords (the tests' server trusts local logins)."""
    import pgserver

    # Given a PostgreSQL that asks every login but its superuser's for a SCRAM password
    # (not under pytest's tmp_path: the server runs as another user, who cannot enter it)
    pgdata = Path(tempfile.gettempdir()) / f"portal-pg-scram-{uuid.uuid4().hex[:12]}"
    pgdata.mkdir()
    server = pgserver.get_server(str(pgdata), cleanup_mode="delete")
    try:
        hba = pgdata / "pg_hba.conf"
        hba.write_text(f"local all postgres trust\nlocal all {APP_ROLE} scram-sha-256\n")
        server.psql("SELECT pg_reload_conf();")
        admin_url = server.get_uri("postgres")
        executor = PsycopgExecutor(admin_url, min_size=1, max_size=1)
        apply_migrations(executor)
        secret = json.dumps({"username": APP_ROLE, "password": "Zq9-generated_by.SecretsManager" + "x" * 8})

        # When migrate gives the role the secret's password
        set_app_role_password(executor, credentials_from_secret(secret))
        stored = executor.fetch_one("SELECT rolpassword FROM pg_authid WHERE rolname = :r", {"r": APP_ROLE})
        executor.close()

        # Then the server stored a verifier, never the password
        assert stored and stored["rolpassword"].startswith("SCRAM-SHA-256$4096:")
        assert "Zq9" not in stored["rolpassword"]
        # And the role signs in with the secret's password, and not with another one
        url = app_role_url(admin_url)
        with psycopg.connect(url, password=json.loads(secret)["password"]) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (APP_ROLE,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(url, password="wrong-password").close()
    finally:
        server.cleanup()


def test_the_verifier_checks_rfc_7677s_example_exchange_as_a_server_would() -> None:
    # Given RFC 7677's SCRAM-SHA-256 exchange (user "user", password "pencil")
    client_first_bare = "n=user,r=rOprNGfwEbeRWgbNEkqO"
    server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    client_final_bare = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    proof = base64.b64decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    server_signature = base64.b64decode("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    auth_message = f"{client_first_bare},{server_first},{client_final_bare}".encode()

    # When the verifier is made from the password with the exchange's salt and rounds
    verifier = scram_sha256_verifier("pencil", salt=base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
    head, keys = verifier.split("$", 1)[1].split("$")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))

    # Then it accepts the client's proof and signs the server's answer, as the RFC's server did
    assert head == "4096:W22ZaJ0SNY7soEsUEjb6gQ=="
    client_signature = hmac.digest(stored_key, auth_message, "sha256")
    client_key = bytes(a ^ b for a, b in zip(proof, client_signature, strict=True))
    assert hashlib.sha256(client_key).digest() == stored_key
    assert hmac.digest(server_key, auth_message, "sha256") == server_signature


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("not json", id="not-json"),
        pytest.param(json.dumps({"username": "portal_admin", "password": "x"}), id="admin-user"),
        pytest.param(json.dumps({"username": APP_ROLE}), id="no-password"),
        pytest.param(json.dumps({"username": APP_ROLE, "password": ""}), id="empty-password"),
    ],
)
def test_a_wrong_app_secret_is_refused_with_what_is_wrong_and_no_password(secret: str) -> None:
    with pytest.raises(AppSecretInvalid) as raised:
        credentials_from_secret(secret)
    assert 'password": "x' not in str(raised.value)


def test_credentials_never_show_the_password() -> None:
    credentials = credentials_from_secret(json.dumps({"username": APP_ROLE, "password": uuid.uuid4().hex}))
    assert credentials.password not in repr(credentials) and credentials.password not in str(credentials)


def _relations(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'p', 'm') AND c.relname <> 'schema_migrations' "
        "ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def _schema(url: str) -> list[tuple]:
    """Tables, columns, indexes, functions, roles and grants: what the app role must not change."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            """
            SELECT 'column', table_name || '.' || column_name || ':' || data_type
              FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT 'index', indexname FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT 'function', proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = 'public'
            UNION ALL SELECT 'role', concat_ws(':', rolname, rolsuper, rolcreaterole, rolcreatedb) FROM pg_roles
            UNION ALL SELECT 'grant', grantee || ':' || table_name || ':' || privilege_type
              FROM information_schema.role_table_grants WHERE table_schema = 'public'
            UNION ALL SELECT 'migration', version || checksum FROM schema_migrations
            UNION ALL SELECT 'trigger', tgname || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
            ORDER BY 1, 2
            """
        ).fetchall()
