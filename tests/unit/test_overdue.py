"""Which turns are overdue: unanswered after Express's 5 minutes plus the start's grace, never one
with a stored answer (deep research's "streaming" placeholder included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from portal.agents.overdue import TURN_DEADLINE, is_overdue
from portal.db.repositories.messages import Message

ASKED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _answer(status: str) -> Message:
    return Message(
        id="m2",
        conversation_id="c1",
        turn_id="t1",
        role="assistant",
        content="…",
        status=status,
        created_at=ASKED,
    )  # type: ignore[arg-type]


def test_the_deadline_is_past_expresss_five_minutes() -> None:
    assert timedelta(minutes=5) < TURN_DEADLINE


@pytest.mark.parametrize(
    ("after", "answer", "overdue"),
    [
        (TURN_DEADLINE + timedelta(seconds=1), None, True),
        (TURN_DEADLINE - timedelta(seconds=1), None, False),
        (timedelta(hours=1), "streaming", False),  # deep research: its Standard machine answers later
        (timedelta(hours=1), "completed", False),
        (timedelta(hours=1), "failed", False),
    ],
)
def test_a_turn_is_overdue_only_when_unanswered_past_its_deadline(
    after: timedelta, answer: str | None, overdue: bool
) -> None:
    stored = _answer(answer) if answer else None
    assert is_overdue(asked_at=ASKED, answer=stored, now=ASKED + after) is overdue
