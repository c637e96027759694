"""N users (50 by default, PORTAL_FAULTS_USERS to change) with sockets ask at once: every turn
is answered, every chunk arrives once and in order, and the streamed text is the stored answer."""

from __future__ import annotations

import os

import pytest

from tests.conftest import make_token

pytestmark = pytest.mark.integration

USERS = int(os.environ.get("PORTAL_FAULTS_USERS", "50"))


class RepeatingModel:
    """Answers every call with the same reply, in small pieces (thread-safe: no script to consume)."""

    name = "offline"
    supports_tools = False

    def __init__(self, reply: str, piece: int = 7) -> None:
        self.reply, self.piece = reply, piece

    def stream(self, request):
        from portal.llm.base import Completed, TextDelta, Usage

        for start in range(0, len(self.reply), self.piece):
            yield TextDelta(self.reply[start : start + self.piece])
        yield Completed(Usage(10, 10), request.model_id, "end_turn")


def test_concurrent_users_lose_duplicate_and_reorder_nothing(target, monkeypatch) -> None:
    from portal.cli.load import run_load
    from portal.llm import service

    # Given a model that answers every user with a multi-chunk reply
    reply = "동시에 질문한 모든 사용자가 빠짐없이 순서대로 답변을 받습니다. " * 3
    model = RepeatingModel(reply)
    monkeypatch.setattr(service, "providers", lambda: {"offline": model})

    # When N users post at once, each following the answer on their own socket
    report, runs = run_load(
        base_url=target.base_url,
        ws_url=target.ws_url,
        users=USERS,
        token_for=lambda n: make_token(f"C{n:05d}", f"사용자{n}"),
        timeout=90,
        agent="general",
    )

    # Then nothing is lost, duplicated or out of order, and what streamed is what was stored
    assert [r.error for r in runs if r.error] == []
    assert (report.accepted, report.answered, report.http_5xx) == (USERS, USERS, 0), report
    assert (report.lost, report.lost_chunks, report.duplicated, report.out_of_order) == (0, 0, 0, 0), report
    assert report.stored_mismatch == 0
    assert all(r.text == reply for r in runs), runs[0].text[:300]
