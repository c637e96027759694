"""`portal bench search`: conversation search over one user's history, in an embedded PostgreSQL.

Prints, as JSON: how long the first search takes (it indexes the whole history: the cost a
user pays once after 0007, or after a long time away), a search when the index is current
(p50/p95 of repeated queries), and one after a day's new messages. Messages are Korean
sentences of words from a 400-word vocabulary in which the queried nouns are 1 word in 10
(`--common` makes every word a queried noun: the worst case, nearly every message a hit).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from typing import Any

from portal.cli import bench

_NOUNS = [
    "부가가치세",
    "연차",
    "출장",
    "경비",
    "예산",
    "회의록",
    "계약서",
    "채용",
    "보고서",
    "일정",
    "규정",
    "정산",
]
_TAILS = [
    "를 정리해 주세요",
    "은 언제까지 내나요?",
    "에 대해 알려 주세요",
    "신고하려면 무엇이 필요한가요?",
    "이 변경되었습니다.",
]
_QUERIES = ["부가가치세 신고", "출장 경비", "회의록", "채용 일정", "계약서를"]


_SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처고노도로모보소오조초구누두루무부수우주추"


def _vocabulary(rng: random.Random) -> list[str]:
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(400)]


def _sentence(rng: random.Random, filler: list[str], common: bool) -> str:
    def word() -> str:
        return rng.choice(_NOUNS) if common or rng.random() < 0.1 else rng.choice(filler)

    return " ".join(word() + rng.choice(_TAILS) for _ in range(rng.randint(3, 12)))


def _seed(
    db: Any, empno: str, conversations: int, per: int, rng: random.Random, common: bool = False
) -> None:
    from portal.db.repositories import conversations as convs
    from portal.db.repositories import messages

    filler = _vocabulary(random.Random(1))
    for c in range(conversations):
        conv = convs.create(db, user_empno=empno, title=f"{rng.choice(_NOUNS)} 문의 {c}")
        for _ in range(per // 2):
            turn = str(uuid.uuid4())
            messages.add_user_message(
                db, conversation_id=conv.id, turn_id=turn, content=_sentence(rng, filler, common), metadata={}
            )
            messages.save_assistant_message(
                db,
                conversation_id=conv.id,
                turn_id=turn,
                content=_sentence(rng, filler, common),
                status="completed",
                agent_type="general",
                model_used="bench",
            )


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def run(args: argparse.Namespace) -> int:
    from portal.conversations import search
    from portal.db.embedded import start_embedded_postgres
    from portal.db.migrate import apply_migrations
    from portal.db.psycopg_executor import PsycopgExecutor
    from portal.db.repositories import users

    url = start_embedded_postgres(args.data_dir, database=f"bench_search_{uuid.uuid4().hex[:10]}")
    db = PsycopgExecutor(url, statement_timeout=120.0)
    apply_migrations(db)
    rng = random.Random(7)
    empno = "B0001"
    users.upsert_from_claims(db, empno=empno, name_ko="벤치", company=None, company_code="LOCAL", roles=[])
    started = time.perf_counter()
    _seed(db, empno, args.conversations, args.messages, rng, args.common)
    seeded_ms = _ms(started)

    started = time.perf_counter()
    first_hits = search.search(db, empno=empno, query=_QUERIES[0])
    first_ms = _ms(started)
    warm: list[float] = []
    for i in range(args.repeat):
        started = time.perf_counter()
        search.search(db, empno=empno, query=_QUERIES[i % len(_QUERIES)])
        warm.append(_ms(started))
    _seed(db, empno, 5, 20, rng, args.common)  # a day's new conversations
    started = time.perf_counter()
    search.search(db, empno=empno, query=_QUERIES[1])
    after_new_ms = _ms(started)
    warm.sort()
    print(
        json.dumps(
            {
                "messages": args.conversations * (args.messages // 2) * 2,
                "conversations": args.conversations,
                "seed_ms": seeded_ms,
                "first_search_indexing_all_ms": first_ms,
                "common_words": args.common,
                "first_search_hits": len(first_hits),
                "current_index_p50_ms": round(statistics.median(warm), 1),
                "current_index_p95_ms": warm[max(0, int(len(warm) * 0.95) - 1)],
                "after_100_new_messages_ms": after_new_ms,
            },
            ensure_ascii=False,
        )
    )
    return 0


def register(commands: Any, evals: Any) -> None:
    """`portal bench search`."""
    p = bench.subcommands(commands).add_parser("search", help="conversation search over one user's history")
    p.add_argument("--conversations", type=int, default=200)
    p.add_argument("--messages", type=int, default=20, help="messages per conversation")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--common", action="store_true", help="every word a queried noun (worst case)")
    p.add_argument("--data-dir", default=".local", help="where the embedded PostgreSQL lives")
    p.set_defaults(func=run)
