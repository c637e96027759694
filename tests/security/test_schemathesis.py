"""The API fuzzed against its own OpenAPI schema on the local target (schemathesis, over HTTP to
`portal dev`'s server): no answer is a 5xx, and every documented answer matches its schema.
Signed in as an administrator, so every operation is reached past its access check (what each
role may do is the authorization matrix's job, tests/security/test_authz_matrix.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.conftest import make_token

pytestmark = pytest.mark.integration


class StubLauncher:
    """Posting a message records the turn instead of running the chat workflow (not under test)."""

    def start(self, turn: Any) -> None:
        return None


@pytest.fixture
def fuzz_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate limits out of the way (set before the target starts: it reads them at start)."""
    for name in (
        "PORTAL_RATE_LIMIT_PER_HOUR",
        "PORTAL_CHAT_RATE_LIMIT_PER_HOUR",
        "PORTAL_UPLOAD_RATE_LIMIT_PER_HOUR",
    ):
        monkeypatch.setenv(name, "100000")


@pytest.fixture
def api_schema(fuzz_limits: None, target: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The schema the running local target serves, its requests sent over HTTP to that target."""
    from portal import services

    monkeypatch.setattr(services, "launcher", lru_cache(maxsize=1)(lambda: StubLauncher()))
    return schemathesis.openapi.from_url(f"{target.base_url}/api/openapi.json")


HEADERS = {"Authorization": f"Bearer {make_token('E1001', '홍길동', admin=True)}"}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES_PER_OPERATION = 8  # 38 operations: about 300 requests, a few seconds


def test_no_5xx_and_no_schema_violation(api_schema: Any) -> None:
    # Driven from one test (one database) rather than schemathesis' pytest plugin: every
    # operation gets its own hypothesis run, and all failures are reported together.
    failures: dict[str, str] = {}
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(headers=HEADERS, checks=CHECKS)

        try:
            run()
        except Exception as exc:
            failures[operation.label] = str(exc)[:600]
    assert operations >= 38
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
