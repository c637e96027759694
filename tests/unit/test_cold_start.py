"""What the API, WebSocket and worker functions load at cold start (measured the way
`portal bench coldstart` does: a fresh interpreter, Lambda's sys.path). Times are the bench's
business; these check the imports, which do not depend on the machine's load."""

from __future__ import annotations

import pytest
from portal.cli.coldstart import FLOORS, floor_of, measure
from portal.local.functions import BY_NAME, repo_root


def _measure(name: str) -> dict:
    fn = BY_NAME[name]
    return measure(str(repo_root() / "functions" / fn.directory), fn.handler.rsplit(".", 1)[0], runs=1)


@pytest.mark.parametrize("name", ["portal-api", "portal-ws"])
def test_api_and_socket_functions_import_no_sdk_they_do_not_call(name: str) -> None:
    result = _measure(name)
    assert result["heavy"] == []
    # X-Ray: Lambda's active tracing records the invocation; the SDK is opt-in (PORTAL_XRAY_SDK).
    assert "aws_xray_sdk" not in result["loaded"]
    assert result["seconds"] > 0


def test_a_worker_does_load_its_graph_library_but_not_the_xray_sdk() -> None:
    # The probe really sees imports: the general worker needs langgraph.
    result = _measure("portal-worker-general")
    assert "langgraph" in result["heavy"]
    assert "aws_xray_sdk" not in result["loaded"]


def test_each_function_kind_is_held_to_its_own_floor() -> None:
    assert floor_of("api", ()) is FLOORS["api"]
    assert floor_of("ws", ()) is FLOORS["ws"]
    assert floor_of("agents", ("core", "models", "agents")) is FLOORS["graph"]
    assert floor_of("agents", ("core",)) is FLOORS["task"]
    assert floor_of("maintenance", ("core",)) is FLOORS["task"]
    assert "fastapi" in FLOORS["api"].imports and "langgraph.graph" in FLOORS["graph"].imports
