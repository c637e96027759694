"""`portal chat TEXT`: one turn through the full local flow (REST -> state machine -> worker -> PostgreSQL)."""

from __future__ import annotations

import argparse
import json
import sys


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    evals: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    p = commands.add_parser("chat", help="send one message through the local portal and print the answer")
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument("--empno", default="E1001")
    p.add_argument("--name", default="홍길동")
    p.add_argument("--admin", action="store_true", help="sign in as an administrator (all agents)")
    p.add_argument("--conversation", default=None, help="continue this conversation id")
    p.add_argument("--agent", default=None)
    p.add_argument("--model", default=None)
    p.add_argument("--toggle", default=None, choices=["web_search", "deep_research", "canvas"])
    p.add_argument("--data-dir", default=".local")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import httpx

    from portal.auth.local_issuer import mint_local_token
    from portal.local.target import LocalTarget
    from portal.settings import get_settings

    with LocalTarget(data_dir=args.data_dir) as target:
        token = mint_local_token(get_settings(), empno=args.empno, name=args.name, admin=args.admin)
        with httpx.Client(
            base_url=target.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=180
        ) as http:
            conversation_id = args.conversation
            if conversation_id is None:
                created = http.post("/api/conversations", json={})
                if created.status_code != 201:
                    return _fail(created)
                conversation_id = created.json()["id"]
            body = {"content": args.text, "agent": args.agent, "model": args.model, "toggle": args.toggle}
            reply = http.post(
                f"/api/conversations/{conversation_id}/messages",
                params={"wait": "true"},
                json={k: v for k, v in body.items() if v is not None},
            )
            if reply.status_code != 200:
                return _fail(reply)
            message = reply.json()
    result = {
        "conversation_id": conversation_id,
        "message_id": message["id"],
        "turn_id": message["turn_id"],
        "agent": message["agent_type"],
        "model": message["model_used"],
        "answer": message["content"],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"[{result['agent']} · {result['model']}]\n{result['answer']}")
    return 0


def _fail(response: object) -> int:
    try:
        error = response.json().get("error", {})  # type: ignore[attr-defined]
        message = error.get("message", "")
    except ValueError:
        message = response.text  # type: ignore[attr-defined]
    print(f"portal chat: {response.status_code} {message}", file=sys.stderr)  # type: ignore[attr-defined]
    return 1
