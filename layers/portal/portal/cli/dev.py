"""`portal dev`: the local target with the web UI, REST under /api and the WebSocket at /ws."""

from __future__ import annotations

import argparse
import json
import sys


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    evals: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    p = commands.add_parser("dev", help="run the portal locally (embedded PostgreSQL, moto, web UI)")
    p.add_argument("--host", default="127.0.0.1", help="listen address (loopback by default)")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME:PORT",
        help="another Host the server answers (e.g. a LAN name); others are refused",
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", default=".local", help="where the embedded PostgreSQL keeps its data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from portal.local.target import LocalTarget
    from portal.settings import get_settings

    extra_env = {"PORTAL_LOCAL_ALLOWED_HOSTS": json.dumps(args.allow_host)} if args.allow_host else {}
    target = LocalTarget(host=args.host, port=args.port, data_dir=args.data_dir, extra_env=extra_env).start()
    print(
        f"AI portal running at {target.base_url}  (REST {target.base_url}/api, WebSocket {target.ws_url})\n"
        f"Sign in at {target.base_url} (local issuer {get_settings().oidc_issuer}); "
        "scripts: `portal token --empno E1001 --name 홍길동`.\n"
        "Press Ctrl-C to stop.",
        file=sys.stderr,
        flush=True,
    )
    try:
        target.wait()
    finally:
        target.stop()
    return 0
