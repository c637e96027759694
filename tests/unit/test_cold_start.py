"""What the API, WebSocket and worker functions load at cold start (measured the way
`portal bench coldstart` does: a fresh interpreter, Lambda's sys.path). Times are the bench's
business; these check the imports, which do not depend on the machine's load."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


def _portal_modules_loaded(name: str) -> set[str]:
    """The portal modules (and a few libraries) a fresh interpreter has after importing the handler."""
    fn = BY_NAME[name]
    directory, module = str(repo_root() / "functions" / fn.directory), fn.handler.rsplit(".", 1)[0]
    code = (
        f"import json, sys\nsys.path.insert(0, {directory!r})\nimport {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('portal', 'httpx'))))"
    )
    env = {**os.environ, "PORTAL_ENVIRONMENT": "local", "POWERTOOLS_METRICS_DISABLED": "true"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


# What each function's import must not pull in, because its first request does not run it (#14).
# The runner stores answers and reads user context; the research steps and the deep_research
# worker only open the turn's stream (agents.turn_stream). Asking whether search is configured
# needs no HTTP client (search.availability). A stream without a model needs no llm.base. The
# Plan step reads no query's findings (research.findings).
_NOT_AT_IMPORT = {
    "portal-research-plan": {
        "portal.agents.runner",
        "portal.agents.completion",
        "portal.agents.user_context",
        "portal.agents.research.findings",
        "httpx",
    },
    "portal-research-gaps": {
        "portal.agents.runner",
        "portal.agents.completion",
        "portal.search.registry",
        "httpx",
    },
    "portal-research-synthesize": {"portal.agents.runner", "portal.agents.user_context", "httpx"},
    "portal-worker-deep-research": {
        "portal.agents.runner",
        "portal.agents.user_context",
        "portal.agents.research.models",
        "portal.agents.research.findings",
        "portal.budgets.ledger",
        "portal.llm.base",
        "portal.search.registry",
        "httpx",
    },
    "portal-failure": {"portal.llm.base"},
    "portal-sweep": {"portal.llm.base"},
}


@pytest.mark.parametrize("name", sorted(_NOT_AT_IMPORT))
def test_a_function_imports_nothing_its_first_request_does_not_run(name: str) -> None:
    assert _portal_modules_loaded(name) & _NOT_AT_IMPORT[name] == set()


def test_the_socket_store_queries_the_indexes_the_table_spec_defines() -> None:
    # realtime.connections names them itself so that streaming does not import the table specs.
    from portal.realtime.connections import BY_USER, BY_WORKSPACE
    from portal.tables import CONNECTIONS

    assert [index.name for index in CONNECTIONS.indexes] == [BY_USER, BY_WORKSPACE]


def test_a_probe_with_a_bytecode_cache_compiles_into_it_alone(tmp_path) -> None:
    # The bench's rounds share one private cache so a function and its floor compile alike.
    from portal.cli.coldstart import probe

    first = probe(("portal.errors",), pycache=str(tmp_path))
    assert first["seconds"] > 0
    assert list(tmp_path.rglob("errors*.pyc")), "the portal's bytecode lands in the bench's cache"


def test_a_floor_is_imported_the_way_a_handler_imports(tmp_path) -> None:
    # Handlers pause the collector for their imports (portal/startup.py); the floor probe does the
    # same around its libraries, and a plain probe does not.
    from portal.cli.coldstart import probe

    check = "import gc\nassert gc.isenabled() and gc.get_freeze_count() {} 0"
    assert probe(("json",), first_call=check.format(">"), as_handler=True)["seconds"] > 0
    assert probe(("json",), first_call=check.format("=="))["seconds"] > 0


def test_a_paired_probe_times_the_floor_then_only_what_the_handler_adds(tmp_path) -> None:
    from portal.cli.coldstart import paired_probe

    # A module the floor already imported costs the rest nothing: its libraries count once.
    same = paired_probe(("portal.settings",), "", "portal.settings", pycache=str(tmp_path))
    more = paired_probe(
        ("json",), "", "portal.settings", first_call="assert handler.Settings", pycache=str(tmp_path)
    )
    assert same["rest_seconds"] < same["floor_seconds"] / 10
    assert more["rest_seconds"] > more["floor_seconds"] and more["first_call_seconds"] >= 0


def test_the_goal_ratio_is_the_median_of_each_interpreters_own_ratio() -> None:
    from portal.cli.coldstart import _paired_ratio

    pairs = [(0.2, 0.05), (0.4, 0.1), (0.1, 0.1)]  # 1.25, 1.25, 2.0: a slow interpreter counts once
    assert _paired_ratio([{"floor_seconds": f, "rest_seconds": r} for f, r in pairs]) == 1.25


def test_a_probe_sees_only_the_packages_of_the_functions_layers() -> None:
    from portal.cli.coldstart import _targets

    targets = _targets([BY_NAME["portal-research-search"], BY_NAME["portal-worker-general"]])
    search, general = targets["portal-research-search"].hidden, targets["portal-worker-general"].hidden
    assert "pytest" in search and "pytest" in general  # dev tools are not deployed
    assert "langgraph" in search and "langgraph" not in general  # the agents layer is the worker's
    assert "click" in general  # omitted from every layer (infra/bundling.py OMITTED)
    assert not {"httpx", "pydantic", "boto3", "botocore", "portal"} & (search | general)


def test_a_hidden_package_fails_to_import_and_optional_imports_fall_back() -> None:
    from portal.cli.coldstart import probe

    # httpx imports its command line (click, rich, pygments) when it can; in Lambda it cannot.
    check = "import sys\nassert 'click' not in sys.modules and 'rich' not in sys.modules"
    assert probe(("httpx",), first_call=check, hidden=frozenset({"click", "rich", "pygments"}))["seconds"] > 0
    with pytest.raises(RuntimeError, match="not in the function's layers"):
        probe(("click",), hidden=frozenset({"click"}))


def test_the_apis_first_request_leaves_pydantic_v1_unloaded() -> None:
    # FastAPI imports pydantic.v1 to refuse v1 models (14-44 ms of the first request); the portal
    # answers its check without it (portal/api/pydantic_v1_probe.py).
    from portal.cli.coldstart import _API_FIRST_REQUEST, probe

    fn = BY_NAME["portal-api"]
    check = (
        _API_FIRST_REQUEST
        + "\nimport sys\nassert 'pydantic.v1' not in sys.modules, 'pydantic.v1 was imported'\n"
    )
    assert probe(("handler",), str(repo_root() / "functions" / fn.directory), check)["seconds"] > 0


def test_fastapi_still_refuses_a_pydantic_v1_model() -> None:
    code = """
import warnings
from fastapi import FastAPI
from fastapi.exceptions import PydanticV1NotSupportedError
from portal.api.pydantic_v1_probe import skip_until_v1_loaded
assert skip_until_v1_loaded(), "this FastAPI has no v1 check to wrap: remove the module"
app = FastAPI()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pydantic import v1
class Old(v1.BaseModel):
    name: str
try:
    app.get("/old", response_model=Old)(lambda: None)
except PydanticV1NotSupportedError:
    print("refused")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "refused"
