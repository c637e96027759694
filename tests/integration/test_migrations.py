"""Migrations build the seed's whole schema, are tracked, and never run twice."""

from __future__ import annotations

import pytest
from portal.db.migrate import Migration, MigrationDrift, applied_versions, apply_migrations, load_migrations

pytestmark = pytest.mark.integration

SEED_TABLES = {
    "users",
    "cache_entries",
    "workspaces",
    "artifacts",
    "conversations",
    "messages",
    "agent_mcp_configs",
    "user_agent_permissions",
    "user_feature_preferences",
    "profile_collection_logs",
    "activity_logs",
    "uploaded_files",
}


def test_all_twelve_seed_tables_exist(db) -> None:
    rows = db.fetch_all(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    assert {r["table_name"] for r in rows} >= SEED_TABLES


def test_both_views_exist(db) -> None:
    rows = db.fetch_all("SELECT table_name FROM information_schema.views WHERE table_schema = 'public'")
    assert {"active_workspaces", "recent_activity"} <= {r["table_name"] for r in rows}


def test_updated_at_triggers_fire(db) -> None:
    db.execute("INSERT INTO users (empno, name_ko, updated_at) VALUES ('E1', 'a', now() - interval '1 day')")
    before = db.fetch_one("SELECT updated_at FROM users WHERE empno = 'E1'")["updated_at"]
    db.execute("UPDATE users SET name_ko = 'b' WHERE empno = 'E1'")
    after = db.fetch_one("SELECT updated_at FROM users WHERE empno = 'E1'")["updated_at"]
    assert after > before
    triggers = db.fetch_all("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    assert {r["tgname"] for r in triggers} >= {
        "update_users_updated_at",
        "update_workspaces_updated_at",
        "update_artifacts_updated_at",
        "update_conversations_updated_at",
    }


def test_seed_indexes_exist(db) -> None:
    names = {
        r["indexname"] for r in db.fetch_all("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    }
    assert {
        "idx_users_company",
        "idx_cache_tags",
        "idx_workspaces_collaborators",
        "idx_messages_conversation",
        "idx_files_checksum",
        "idx_activity_logs_resource",
        "uq_messages_turn_role",
    } <= names


def test_every_migration_is_tracked_and_a_second_run_applies_nothing(db) -> None:
    assert applied_versions(db) == [m.version for m in load_migrations()]
    assert apply_migrations(db) == []


def test_a_changed_applied_migration_is_refused(db) -> None:
    first = load_migrations()[0]
    with pytest.raises(MigrationDrift, match=first.name):
        apply_migrations(db, [Migration(first.version, first.name, first.sql + "\n-- edited")])


def test_a_failing_migration_leaves_nothing_behind(db) -> None:
    broken = Migration(
        "9999", "9999_broken.sql", "CREATE TABLE half_done (id int);\nSELECT no_such_function();"
    )
    with pytest.raises(Exception):  # noqa: B017 - the database's own error
        apply_migrations(db, [*load_migrations(), broken])
    assert db.fetch_one("SELECT to_regclass('half_done') AS t")["t"] is None
    assert "9999" not in applied_versions(db)


def test_cleanup_expired_cache_function_from_the_seed_works(db) -> None:
    db.execute(
        "INSERT INTO cache_entries (key, data, expires_at) VALUES ('old', '{}', now() - interval '1 minute')"
    )
    db.execute(
        "INSERT INTO cache_entries (key, data, expires_at) VALUES ('new', '{}', now() + interval '1 minute')"
    )
    assert db.fetch_one("SELECT cleanup_expired_cache() AS n")["n"] == 1
