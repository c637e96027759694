"""The deploy tests' pytest plugin: records AWS calls for the whole session and reports at the end.

Loaded from tests/conftest.py so that the integration tests' calls are recorded too. The IAM
contract test runs last (after every test that makes calls), and the report follows the summary.

Under pytest-xdist each worker records only its own calls, so `make test` runs in two steps: the
workers write what they recorded to PORTAL_TEST_RUN_DIR when their session ends (see
tests/deploy/shared_calls.py), and the contract test then runs on its own and reads all of it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from tests.deploy.recorder import RECORDER, install
from tests.deploy.report import REPORT
from tests.deploy.shared_calls import RUN_DIR, write_session

install()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "starts(function): the test starts this deployed function")
    config.addinivalue_line("markers", "after_all_calls: runs after every other test (the IAM contract)")
    config.addinivalue_line(
        "markers",
        "iam_exempt(reason): the test misconfigures a function on purpose; its calls are not checked",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    last = [item for item in items if item.get_closest_marker("after_all_calls")]
    items[:] = [item for item in items if item not in last] + last


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    RECORDER.paused = item.get_closest_marker("iam_exempt") is not None
    try:
        yield
    finally:
        RECORDER.paused = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("starts")
    if marker and (report.when == "call" or report.failed):
        REPORT.function_started(marker.args[0], report.passed)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if RUN_DIR and (RECORDER.calls or REPORT.started):
        write_session(RUN_DIR, RECORDER.calls, REPORT.started)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = REPORT.lines()
    if lines:
        terminalreporter.section("deploy check")
        for line in lines:
            terminalreporter.write_line(line)
