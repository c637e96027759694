"""`?wait=true` waits within what API Gateway allows (29 s) and never past the API Lambda's own time."""

from __future__ import annotations

import pytest
from portal.agents.waiting import RESERVED_SECONDS, WAIT_LIMIT_SECONDS, wait_budget


def test_the_wait_stays_under_api_gateways_29_seconds() -> None:
    assert WAIT_LIMIT_SECONDS + RESERVED_SECONDS < 29


@pytest.mark.parametrize(
    ("remaining", "budget"),
    [(None, WAIT_LIMIT_SECONDS), (60.0, WAIT_LIMIT_SECONDS), (10.0, 10.0 - RESERVED_SECONDS), (1.0, 0.0)],
)
def test_the_budget_is_the_limit_or_what_the_lambda_has_left(remaining: float | None, budget: float) -> None:
    assert wait_budget(remaining) == budget
