"""The API and WebSocket functions must not import the heavy model SDKs at cold start
(measured the way `portal bench coldstart` does: a fresh interpreter, Lambda's sys.path)."""

from __future__ import annotations

import pytest
from portal.cli.coldstart import measure
from portal.local.functions import BY_NAME, repo_root


@pytest.mark.parametrize("name", ["portal-api", "portal-ws"])
def test_function_imports_no_model_sdk(name: str) -> None:
    fn = BY_NAME[name]
    result = measure(str(repo_root() / "functions" / fn.directory), fn.handler.rsplit(".", 1)[0], runs=1)
    assert result["heavy"] == []
    assert result["seconds"] > 0


def test_a_worker_does_load_its_graph_library() -> None:
    # The probe really sees imports: the general worker needs langgraph.
    fn = BY_NAME["portal-worker-general"]
    result = measure(str(repo_root() / "functions" / fn.directory), fn.handler.rsplit(".", 1)[0], runs=1)
    assert "langgraph" in result["heavy"]
