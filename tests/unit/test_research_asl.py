"""statemachines/research.asl.json: states exist, functions are supplied locally, every task retries and
ends in the failure handler (a failing query inside the Map is tolerated; the Map itself is not)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from portal.local.functions import FUNCTIONS, repo_root

ASL = Path(__file__).resolve().parents[2] / "statemachines" / "research.asl.json"
THROTTLING = "Lambda.TooManyRequestsException"
FAILURE = "${FailureHandlerFunctionArn}"


@pytest.fixture(scope="module")
def machine() -> dict:
    return json.loads(ASL.read_text(encoding="utf-8"))


def _transitions(state: dict) -> list[str]:
    found = [state[k] for k in ("Next", "Default") if k in state]
    found += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
    return found


def _check_level(level: dict, where: str) -> None:
    states = level["States"]
    assert level["StartAt"] in states, f"{where}: StartAt {level['StartAt']} missing"
    for name, state in states.items():
        for target in _transitions(state):
            assert target in states, f"{where}{name} -> {target} does not exist at its level"
        if state["Type"] not in ("Choice", "Succeed", "Fail"):
            assert state.get("End") is True or "Next" in state, f"{where}{name} has neither Next nor End"
        if "ItemProcessor" in state:
            _check_level(state["ItemProcessor"], f"{where}{name}.")


def test_every_named_state_exists_at_every_level(machine: dict) -> None:
    _check_level(machine, "")


def test_the_pipeline_is_plan_search_gaps_then_synthesize(machine: dict) -> None:
    states = machine["States"]
    assert machine["StartAt"] == "Plan"
    assert states["Plan"]["Next"] == "Search" and states["Search"]["Next"] == "Gaps"
    assert states["Gaps"]["Next"] == "NeedMoreSearch"
    choice = states["NeedMoreSearch"]
    assert choice["Choices"][0]["Next"] == "FollowUpSearch" and choice["Default"] == "Synthesize"
    assert states["FollowUpSearch"]["Next"] == "Synthesize"
    assert states[states["Synthesize"]["Next"]]["Type"] == "Succeed"


def test_every_substitution_is_a_local_function_whose_handler_exists(machine: dict) -> None:
    used = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", ASL.read_text(encoding="utf-8")))
    by_substitution = {f.substitution: f for f in FUNCTIONS if f.substitution}
    assert used <= set(by_substitution), used - set(by_substitution)
    for name in used:
        fn = by_substitution[name]
        assert name.endswith("FunctionArn")
        module = fn.handler.rsplit(".", 1)[0]
        assert (repo_root() / "functions" / fn.directory / f"{module}.py").is_file(), name


def _tasks(level: dict, nested: bool = False) -> list[tuple[str, dict, bool]]:
    found = []
    for name, state in level["States"].items():
        if state["Type"] == "Task":
            found.append((name, state, nested))
        if "ItemProcessor" in state:
            found += _tasks(state["ItemProcessor"], True)
    return found


def test_every_task_retries_lambda_throttling_with_backoff(machine: dict) -> None:
    for name, state, _ in _tasks(machine):
        retries = [
            r for r in state["Retry"] if THROTTLING in r["ErrorEquals"] or "States.ALL" in r["ErrorEquals"]
        ]
        assert retries, f"{name} does not retry throttling"
        assert all(r["BackoffRate"] > 1 and r["MaxAttempts"] >= 2 for r in retries), name


def test_every_top_level_task_catches_into_the_failure_handler(machine: dict) -> None:
    states = machine["States"]
    assert states["HandleFailure"]["Resource"] == FAILURE
    assert states[states["HandleFailure"]["Next"]]["Type"] == "Fail"
    for name, state, nested in _tasks(machine):
        if nested or name == "HandleFailure":
            continue
        catch = [c for c in state["Catch"] if "States.ALL" in c["ErrorEquals"]]
        assert catch and catch[0]["Next"] == "HandleFailure", name
        assert catch[0]["ResultPath"] == "$.error", f"{name}: the handler needs the turn fields and the error"


def test_a_map_tolerates_a_failing_query_but_its_own_failure_reaches_the_handler(machine: dict) -> None:
    for name in ("Search", "FollowUpSearch"):
        state = machine["States"][name]
        assert state["Type"] == "Map"
        assert state["Catch"][0]["Next"] == "HandleFailure"
        processor = state["ItemProcessor"]["States"]
        task = processor[state["ItemProcessor"]["StartAt"]]
        (catch,) = task["Catch"]
        tolerated = processor[catch["Next"]]
        assert tolerated["Type"] == "Pass" and tolerated["End"] is True
        assert tolerated["Parameters"]["web_status"] == "failed"


def test_maps_run_bounded_and_pass_only_what_an_item_needs(machine: dict) -> None:
    for name, items in (("Search", "$.plan.queries"), ("FollowUpSearch", "$.gaps.queries")):
        state = machine["States"][name]
        assert state["ItemsPath"] == items
        assert 1 <= state["MaxConcurrency"] <= 10
        assert set(state["ItemSelector"]) == {"turn_id.$", "empno.$", "query.$", "index.$", "round"}
