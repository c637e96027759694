"""`portal db migrate`: apply pending migrations to the configured database."""

from __future__ import annotations

import argparse
import json


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    evals: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    p = commands.add_parser("db", help="database maintenance")
    sub = p.add_subparsers(dest="db_command", metavar="ACTION")
    sub.required = True
    m = sub.add_parser(
        "migrate", help="apply pending migrations (embedded PostgreSQL when DATABASE_URL is unset)"
    )
    m.add_argument("--data-dir", default=".local")
    m.set_defaults(func=migrate)


def migrate(args: argparse.Namespace) -> int:
    import os

    from portal import services
    from portal.db.migrate import apply_migrations

    if not os.environ.get("DATABASE_URL") and not os.environ.get("PORTAL_DB_CLUSTER_ARN"):
        from portal.db.embedded import start_embedded_postgres

        os.environ["DATABASE_URL"] = start_embedded_postgres(args.data_dir)
        services.reset()
    print(json.dumps({"applied": apply_migrations(services.db())}))
    return 0
