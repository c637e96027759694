"""The ASL files: valid JSON, every named state exists, every substitution has a function, and
every Lambda task retries throttling with backoff and ends in the failure handler on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.functions import by_substitution
from infra.workflows import STATEMACHINES_DIR, WORKFLOW_TYPES, AslError, check_states, load, task_states

pytestmark = pytest.mark.infra

ASL_FILES = sorted(STATEMACHINES_DIR.glob("*.asl.json"))
THROTTLING = "Lambda.TooManyRequestsException"
FAILURE_HANDLER = "${FailureHandlerFunctionArn}"


def test_there_is_a_chat_workflow() -> None:
    assert STATEMACHINES_DIR / "chat.asl.json" in ASL_FILES


@pytest.mark.parametrize("path", ASL_FILES, ids=lambda p: p.name)
def test_asl_is_valid_json_and_every_named_state_exists(path: Path) -> None:
    definition = json.loads(path.read_text())
    assert check_states(definition) == []
    assert path.name.removesuffix(".asl.json") in WORKFLOW_TYPES


@pytest.mark.parametrize("path", ASL_FILES, ids=lambda p: p.name)
def test_every_substitution_is_supplied_by_a_registered_function(path: Path) -> None:
    workflow = load(path)
    assert workflow.substitutions
    assert workflow.substitutions <= set(by_substitution()), workflow.substitutions - set(by_substitution())


@pytest.mark.parametrize("path", ASL_FILES, ids=lambda p: p.name)
def test_lambda_tasks_retry_throttling_with_backoff_and_catch_to_the_failure_handler(path: Path) -> None:
    definition = json.loads(path.read_text())
    failure_states = {n for n, s in task_states(definition) if s.get("Resource") == FAILURE_HANDLER}
    for name, state in task_states(definition):
        if not str(state.get("Resource", "")).startswith("${"):
            continue
        retries = [
            r
            for r in state.get("Retry", [])
            if THROTTLING in r["ErrorEquals"] or "States.ALL" in r["ErrorEquals"]
        ]
        assert retries, f"{path.name}:{name} does not retry throttling"
        assert all(r.get("BackoffRate", 2.0) > 1 for r in retries), (
            f"{path.name}:{name} retries without backoff"
        )
        if name in failure_states:
            continue
        catches = [c for c in state.get("Catch", []) if "States.ALL" in c["ErrorEquals"]]
        assert catches, f"{path.name}:{name} has no Catch for States.ALL"
        enclosing = _enclosing_map(definition, name)
        if enclosing is not None:
            # A task inside a Map may handle its own item's failure within the Map (one bad
            # query should not end the run), as long as the Map itself catches into the handler.
            map_name, map_state = enclosing
            inner = (map_state.get("ItemProcessor") or map_state.get("Iterator") or {}).get("States", {})
            assert catches[0]["Next"] in inner, f"{path.name}:{name} Catch leaves its Map"
            map_catches = [c for c in map_state.get("Catch", []) if "States.ALL" in c["ErrorEquals"]]
            assert map_catches and _reaches(definition, map_catches[0]["Next"], failure_states), (
                f"{path.name}:{map_name} (around {name}) Catch skips the failure handler"
            )
            continue
        assert _reaches(definition, catches[0]["Next"], failure_states), (
            f"{path.name}:{name} Catch skips the failure handler"
        )


def _enclosing_map(definition: dict, task: str) -> tuple[str, dict] | None:
    """The top-level Map state whose item processor contains `task`, if any."""
    for name, state in definition["States"].items():
        inner = (state.get("ItemProcessor") or state.get("Iterator") or {}).get("States", {})
        if task in inner:
            return name, state
    return None


def _reaches(definition: dict, start: str, targets: set[str]) -> bool:
    """Whether a top-level state path from `start` hits one of `targets` (Pass states may add context first)."""
    states = definition["States"]
    seen, current = set(), start
    while current and current not in seen:
        if current in targets:
            return True
        seen.add(current)
        current = states.get(current, {}).get("Next")
    return False


def test_a_state_pointing_nowhere_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "chat.asl.json"
    bad.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}))
    with pytest.raises(AslError, match="'A' goes to 'B'"):
        load(bad)


def test_invalid_json_is_reported_with_the_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "chat.asl.json"
    bad.write_text("{not json")
    with pytest.raises(AslError, match="chat.asl.json is not valid JSON"):
        load(bad)


def test_an_unregistered_workflow_must_say_its_type(tmp_path: Path) -> None:
    other = tmp_path / "digest.asl.json"
    other.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
    with pytest.raises(AslError, match="WORKFLOW_TYPES"):
        load(other)


def test_nested_map_states_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "research.asl.json"
    bad.write_text(
        json.dumps(
            {
                "StartAt": "M",
                "States": {
                    "M": {
                        "Type": "Map",
                        "End": True,
                        "ItemProcessor": {"StartAt": "X", "States": {"Y": {"Type": "Succeed"}}},
                    }
                },
            }
        )
    )
    with pytest.raises(AslError, match="StartAt 'X'"):
        load(bad)
