"""The ASL files are valid, every state they name exists, and routing matches the worker registry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from portal.agents.registry import WORKERS
from portal.local.functions import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2] / "statemachines"
ASL_FILES = sorted(ROOT.glob("*.asl.json"))


def _states(definition: dict) -> dict:
    """All states, including those inside Map/Parallel iterators."""
    found = dict(definition["States"])
    for state in definition["States"].values():
        for branch in state.get("Branches", []) + [state.get("ItemProcessor") or state.get("Iterator") or {}]:
            if branch:
                found.update(_states(branch))
    return found


def _targets(state: dict) -> list[str]:
    targets = [state.get("Next"), state.get("Default")]
    targets += [c.get("Next") for c in state.get("Choices", [])]
    targets += [c.get("Next") for c in state.get("Catch", [])]
    return [t for t in targets if t]


@pytest.mark.parametrize("path", ASL_FILES, ids=lambda p: p.name)
def test_every_named_state_exists(path: Path) -> None:
    definition = json.loads(path.read_text())
    states = _states(definition)
    assert definition["StartAt"] in states
    for name, state in states.items():
        for target in _targets(state):
            assert target in states, f"{path.name}: {name} -> {target} does not exist"


@pytest.mark.parametrize("path", ASL_FILES, ids=lambda p: p.name)
def test_every_substitution_is_supplied_locally(path: Path) -> None:
    used = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", path.read_text()))
    supplied = {f.substitution for f in FUNCTIONS if f.substitution}
    assert used <= supplied, f"unsupplied: {used - supplied}"


def test_choice_states_and_worker_registry_name_the_same_workers() -> None:
    chat = json.loads((ROOT / "chat.asl.json").read_text())
    choices = {c["StringEquals"]: c["Next"] for c in chat["States"]["RouteToWorker"]["Choices"]}
    assert choices == WORKERS


def test_every_worker_task_has_a_catch_to_the_failure_handler() -> None:
    chat = json.loads((ROOT / "chat.asl.json").read_text())
    for state_name in WORKERS.values():
        catches = chat["States"][state_name]["Catch"]
        assert any(c["Next"] == "HandleFailure" and "States.ALL" in c["ErrorEquals"] for c in catches)
