"""A turn's sockets are looked up for a budget warning only when there is one to send."""

from __future__ import annotations

import functools

from portal.budgets import notify


def test_no_pending_warning_asks_for_no_recipients(monkeypatch) -> None:
    asked: list[bool] = []

    def recipients() -> list[str]:
        asked.append(True)
        return ["c1"]

    monkeypatch.setattr(notify, "pending_warning", lambda: None)
    assert notify.announce_warning(recipients) is None
    assert asked == []  # no DynamoDB query for the turn's audience


def test_a_pending_warning_goes_to_every_recipient(monkeypatch) -> None:
    sent: list[tuple[str, dict]] = []

    class Sender:
        def send(self, connection_id: str, event: dict) -> None:
            if connection_id == "gone":
                raise RuntimeError("socket gone")
            sent.append((connection_id, event))

    event = {"type": "error", "code": "budget_warning"}
    monkeypatch.setattr(notify, "pending_warning", lambda: event)
    # cached like the real one: the suite's service reset clears it
    monkeypatch.setattr("portal.services.sender", functools.cache(Sender))
    assert notify.announce_warning(lambda: ["c1", "gone", "c2"]) == event
    assert sent == [("c1", event), ("c2", event)]  # a dead socket does not stop the others
