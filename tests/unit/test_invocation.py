"""The invocation's deadline, from Lambda's context: what waiting code (Data API retries) stays within."""

from __future__ import annotations

from portal.invocation import remaining_seconds, track_deadline


class Context:
    def get_remaining_time_in_millis(self) -> int:
        return 8_000


def test_inside_a_handler_the_remaining_time_comes_from_lambdas_context() -> None:
    seen: list[float | None] = []

    @track_deadline
    def handler(event: dict, context: object) -> str:
        seen.append(remaining_seconds())
        return "ok"

    assert handler({}, Context()) == "ok"
    assert seen[0] is not None and 7.0 < seen[0] <= 8.0


def test_outside_a_handler_there_is_no_deadline() -> None:
    @track_deadline
    def handler(event: dict, context: object) -> None:
        return None

    handler({}, Context())
    assert remaining_seconds() is None  # reset after the invocation, and None in the CLI or tests


def test_a_context_without_remaining_time_means_no_deadline() -> None:
    seen: list[float | None] = []

    @track_deadline
    def handler(event: dict, context: object) -> None:
        seen.append(remaining_seconds())

    handler({}, object())
    assert seen == [None]
