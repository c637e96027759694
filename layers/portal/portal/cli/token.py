"""`portal token`: an ID token from the local issuer for scripts (refused when configured for AWS)."""

from __future__ import annotations

import argparse
import sys


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    evals: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    p = commands.add_parser("token", help="mint an ID token from the local issuer (local target only)")
    p.add_argument("--empno", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--department", default=None)
    p.add_argument("--admin", action="store_true", help="member of the admin group (portal-admins)")
    p.add_argument("--ttl-hours", type=int, default=None)
    p.add_argument(
        "--issuer",
        default=None,
        help="the local issuer URL (default: PORTAL_OIDC_ISSUER, i.e. `portal dev` on :8000)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from portal.auth.local_issuer import mint_local_token
    from portal.settings import get_settings

    try:
        settings = get_settings()
        if args.issuer:
            settings = settings.model_copy(update={"oidc_issuer": args.issuer})
        ttl = args.ttl_hours * 3600 if args.ttl_hours else None
        token = mint_local_token(
            settings,
            empno=args.empno,
            name=args.name,
            department=args.department,
            admin=args.admin,
            ttl_seconds=ttl,
        )
    except (RuntimeError, ValidationError) as exc:
        print(f"portal token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0
