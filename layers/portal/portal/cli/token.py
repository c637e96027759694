"""`portal token`: mint a bearer token for the local target (refused when configured for AWS)."""

from __future__ import annotations

import argparse
import sys


def register(commands: argparse._SubParsersAction, evals: argparse._SubParsersAction) -> None:
    p = commands.add_parser("token", help="mint a local-only bearer token")
    p.add_argument("--empno", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--admin", action="store_true")
    p.add_argument("--ttl-hours", type=int, default=None)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from portal.auth.tokens import mint_local_token
    from portal.settings import get_settings

    try:
        ttl = args.ttl_hours * 3600 if args.ttl_hours else None
        print(
            mint_local_token(
                get_settings(), empno=args.empno, name=args.name, admin=args.admin, ttl_seconds=ttl
            )
        )
    except (RuntimeError, ValidationError) as exc:
        print(f"portal token: {exc}", file=sys.stderr)
        return 2
    return 0
