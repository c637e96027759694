"""The ASL files in statemachines/: load, check, and say which functions they need.

Every `statemachines/<name>.asl.json` becomes a state machine; its `${...}` placeholders
are resolved from the function registry (functions.py), and a missing one stops synth.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import aws_stepfunctions as sfn

from infra.functions import REPO_ROOT

STATEMACHINES_DIR = REPO_ROOT / "statemachines"

# Express for the chat turn (synchronous starts, cheap per request, at-least-once);
# Standard for long research runs (exactly-once, up to a year, Map over searches).
WORKFLOW_TYPES: dict[str, sfn.StateMachineType] = {
    "chat": sfn.StateMachineType.EXPRESS,
    "research": sfn.StateMachineType.STANDARD,
}

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")

# An Express execution is stopped at 5 minutes, and that stop is not catchable: no Catch, no
# failure handler. So every path through an Express machine must end well before it.
EXPRESS_LIMIT_SECONDS = 300
# Room for state transitions and Lambda invoke overhead, which TimeoutSeconds do not count.
EXPRESS_MARGIN_SECONDS = 10


class AslError(ValueError):
    """An ASL file that would deploy a broken state machine; the message names the file."""


@dataclass(frozen=True)
class Workflow:
    name: str  # "chat", "research"
    path: Path
    definition: dict[str, Any]
    substitutions: frozenset[str]
    type: sfn.StateMachineType

    @property
    def env_var(self) -> str:
        """The settings variable that carries this machine's ARN."""
        return f"PORTAL_{self.name.upper()}_STATE_MACHINE_ARN"


def discover(directory: Path | None = None) -> list[Workflow]:
    """Every ASL file in statemachines/ (or `directory`), checked; sorted for a stable synth."""
    return [load(path) for path in sorted((directory or STATEMACHINES_DIR).glob("*.asl.json"))]


def load(path: Path) -> Workflow:
    """Parse and check one ASL file."""
    name = path.name.removesuffix(".asl.json")
    text = path.read_text(encoding="utf-8")
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AslError(f"{path.name} is not valid JSON: {exc}") from exc
    if name not in WORKFLOW_TYPES:
        raise AslError(
            f"{path.name}: add '{name}' to WORKFLOW_TYPES in infra/workflows.py (EXPRESS or STANDARD)"
        )
    problems = check_states(definition)
    if not problems and WORKFLOW_TYPES[name] == sfn.StateMachineType.EXPRESS:
        problems = _check_express_budget(definition)
    if problems:
        raise AslError(f"{path.name}: " + "; ".join(problems))
    return Workflow(
        name=name,
        path=path,
        definition=definition,
        substitutions=frozenset(_PLACEHOLDER.findall(text)),
        type=WORKFLOW_TYPES[name],
    )


def check_states(machine: dict[str, Any], where: str = "") -> list[str]:
    """Every state named by StartAt/Next/Default/Choices/Catch exists, at every nesting level."""
    states = machine.get("States")
    if not isinstance(states, dict) or not states:
        return [f"{where or 'top level'} has no States"]
    problems: list[str] = []
    names = set(states)
    start = machine.get("StartAt")
    if start not in names:
        problems.append(f"{where or 'top level'} StartAt {start!r} is not a state")
    for state_name, state in states.items():
        here = f"{where}{state_name}"
        for target in _transitions(state):
            if target not in names:
                problems.append(f"state {here!r} goes to {target!r}, which does not exist")
        if state.get("Type") not in (None, "Choice", "Succeed", "Fail") and not (
            state.get("End") is True or "Next" in state
        ):
            problems.append(f"state {here!r} has neither Next nor End")
        for i, branch in enumerate(state.get("Branches", [])):
            problems += check_states(branch, f"{here}.Branches[{i}].")
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                problems += check_states(state[key], f"{here}.{key}.")
    return problems


def _transitions(state: dict[str, Any]) -> list[str]:
    targets = [state[k] for k in ("Next", "Default") if k in state]
    targets += [c["Next"] for c in state.get("Choices", []) if "Next" in c]
    targets += [c["Next"] for c in state.get("Catch", []) if "Next" in c]
    return targets


def task_states(machine: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """All Task states, nested ones included (for the retry/catch checks)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for name, state in machine.get("States", {}).items():
        if state.get("Type") == "Task":
            found.append((name, state))
        for branch in state.get("Branches", []):
            found += task_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                found += task_states(state[key])
    return found


class UnboundedPathError(ValueError):
    """A path whose duration no setting bounds (a task without TimeoutSeconds, a loop, a Map)."""


def worst_case_seconds(machine: dict[str, Any]) -> float:
    """The longest any execution can run: every task at its TimeoutSeconds on every attempt, plus
    the retry waits between attempts, along the slowest path from StartAt (Catch paths included)."""
    states: dict[str, Any] = machine["States"]
    done: dict[str, float] = {}

    def longest(name: str, visiting: tuple[str, ...]) -> float:
        if name in visiting:
            raise UnboundedPathError(f"state {name!r} can loop back to itself ({' -> '.join(visiting)})")
        if name not in done:
            state = states[name]
            after = [longest(n, (*visiting, name)) for n in _transitions(state)]
            done[name] = state_worst_case_seconds(name, state) + max(after, default=0.0)
        return done[name]

    return longest(machine["StartAt"], ())


def state_worst_case_seconds(name: str, state: dict[str, Any]) -> float:
    """One state's longest run: each attempt of a task may use its whole TimeoutSeconds."""
    kind = state.get("Type")
    if kind == "Wait":
        if "Seconds" not in state:
            raise UnboundedPathError(f"Wait state {name!r} waits for a time given at run time")
        return float(state["Seconds"])
    if kind in ("Map", "Parallel"):
        raise UnboundedPathError(f"{kind} state {name!r}: its duration depends on its input")
    if kind != "Task":
        return 0.0
    if "TimeoutSeconds" not in state:
        raise UnboundedPathError(f"task {name!r} has no TimeoutSeconds (Step Functions' default is 99999999)")
    waits: list[float] = []
    for retrier in state.get("Retry", []):
        # The ASL defaults: 3 attempts, 1 s apart, doubling.
        interval = float(retrier.get("IntervalSeconds", 1))
        rate = float(retrier.get("BackoffRate", 2.0))
        cap = float(retrier.get("MaxDelaySeconds", float("inf")))
        waits += [min(interval * rate**k, cap) for k in range(int(retrier.get("MaxAttempts", 3)))]
    # Each retrier counts its own attempts, so the worst case is every retrier used up.
    return (1 + len(waits)) * float(state["TimeoutSeconds"]) + sum(waits)


def _check_express_budget(machine: dict[str, Any]) -> list[str]:
    budget = EXPRESS_LIMIT_SECONDS - EXPRESS_MARGIN_SECONDS
    try:
        worst = worst_case_seconds(machine)
    except UnboundedPathError as exc:
        return [f"an Express machine must end within {EXPRESS_LIMIT_SECONDS} s on every path: {exc}"]
    if worst > budget:
        return [
            f"its slowest path can run {worst:g} s, over the {budget} s an Express execution may use "
            f"({EXPRESS_LIMIT_SECONDS} s cap minus {EXPRESS_MARGIN_SECONDS} s for transitions): "
            "lower TimeoutSeconds or retries"
        ]
    return []
