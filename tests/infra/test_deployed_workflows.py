"""The state machines as the synthesized templates deploy them: definitions from the assets the
templates upload, substitutions resolved to the functions the templates point at; the chat
machine ends within Express's limit on every path, and each task's function stops before its state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from portal.local.functions import FUNCTIONS

from infra.deployed_workflows import DeployedWorkflow, DeployedWorkflowError, asset_files, from_template
from infra.workflows import (
    EXPRESS_LIMIT_SECONDS,
    EXPRESS_MARGIN_SECONDS,
    AslError,
    UnboundedPathError,
    load,
    worst_case_seconds,
)
from tests.infra.helpers import Synthesized, resources

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def deployed(synth_variant) -> dict[str, DeployedWorkflow]:
    app: Synthesized = synth_variant()
    stack = app.stacks["agents"]
    return from_template(app.json("agents"), asset_files(app.outdir, stack.stack_name))


@pytest.fixture(scope="module")
def agents_template(synth_variant) -> dict[str, Any]:
    return synth_variant().json("agents")


def test_the_chat_machine_is_express_and_research_standard(deployed: dict[str, DeployedWorkflow]) -> None:
    assert {n: w.type for n, w in deployed.items()} == {"chat": "EXPRESS", "research": "STANDARD"}


def test_every_substitution_is_a_function_the_local_target_runs(
    deployed: dict[str, DeployedWorkflow],
) -> None:
    local = {(f.directory, f.handler) for f in FUNCTIONS}
    for workflow in deployed.values():
        for name, task in workflow.substitutions.items():
            assert (task.directory, task.handler) in local, f"{workflow.name}: ${{{name}}} -> {task}"


def test_each_worker_state_runs_the_worker_of_its_name(deployed: dict[str, DeployedWorkflow]) -> None:
    chat = deployed["chat"]
    resolved = json.loads(chat.resolve(lambda task: f"{task.directory}/{task.handler}"))
    for choice in resolved["States"]["RouteToWorker"]["Choices"]:
        state = resolved["States"][choice["Next"]]
        assert state["Resource"] == f"agents/{choice['StringEquals']}.handler"


def test_the_chat_machine_as_deployed_ends_within_express_limit_on_every_path(
    deployed: dict[str, DeployedWorkflow],
) -> None:
    # Given the chat machine's definition exactly as the template uploads it
    definition = json.loads(deployed["chat"].definition)

    # When every task on the slowest path uses its whole timeout on every attempt, retries included
    worst = worst_case_seconds(definition)

    # Then it still ends before Express's cap (with room for transitions), so a Catch always runs
    print(f"chat machine worst case: {worst:g} s of {EXPRESS_LIMIT_SECONDS} s")
    assert worst <= EXPRESS_LIMIT_SECONDS - EXPRESS_MARGIN_SECONDS


def test_each_task_function_stops_before_its_state_gives_up(
    deployed: dict[str, DeployedWorkflow], agents_template: dict[str, Any]
) -> None:
    # A function still running after its state timed out would stream into a turn already marked failed.
    timeouts = {
        (Path(fn["Metadata"]["aws:asset:path"]).name, fn["Properties"]["Handler"]): fn["Properties"][
            "Timeout"
        ]
        for fn in resources(agents_template, "AWS::Lambda::Function").values()
        if "aws:asset:path" in fn.get("Metadata", {})
    }
    for workflow in deployed.values():
        for state_name, state in _tasks(json.loads(workflow.definition)):
            task = workflow.substitutions[state["Resource"][2:-1]]
            function_timeout = timeouts[(task.directory, task.handler)]
            assert function_timeout <= state["TimeoutSeconds"], (
                f"{workflow.name}.{state_name}: {task.handler} may run {function_timeout} s, "
                f"its state gives up after {state['TimeoutSeconds']} s"
            )


def _tasks(machine: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, state in machine["States"].items():
        if state["Type"] == "Task":
            found.append((name, state))
        for inner in (state.get("ItemProcessor"), state.get("Iterator")):
            if inner:
                found += _tasks(inner)
    return found


# --- the worst-case walk itself ------------------------------------------------------


def _task(timeout: int, *, next_state: str | None = None, **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": "${F}", "TimeoutSeconds": timeout, **extra}
    state.update({"Next": next_state} if next_state else {"End": True})
    return state


def test_worst_case_counts_every_attempt_every_wait_and_the_catch_path() -> None:
    # Given a 10 s task retried twice (waits 1 s, 2 s) that catches into a 5 s handler
    machine = {
        "StartAt": "A",
        "States": {
            "A": _task(
                10,
                Retry=[
                    {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}
                ],
                Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}],
            ),
            "H": _task(5),
        },
    }
    # When / Then: 3 attempts x 10 s + 1 s + 2 s, then the handler's 5 s
    assert worst_case_seconds(machine) == 3 * 10 + 1 + 2 + 5


def test_worst_case_uses_the_asl_retry_defaults_and_max_delay() -> None:
    # Given a retrier that names only the errors (3 attempts, 1 s apart, doubling) and one capped at 3 s
    machine = {
        "StartAt": "A",
        "States": {
            "A": _task(
                1,
                Retry=[
                    {"ErrorEquals": ["X"]},
                    {"ErrorEquals": ["Y"], "IntervalSeconds": 2, "MaxAttempts": 2, "MaxDelaySeconds": 3},
                ],
            )
        },
    }
    # Then: 1 + 3 + 2 attempts of 1 s, waits 1+2+4 and 2+3
    assert worst_case_seconds(machine) == 6 * 1 + (1 + 2 + 4) + (2 + 3)


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ({"A": {"Type": "Task", "Resource": "${F}", "End": True}}, "no TimeoutSeconds"),
        ({"A": _task(1, next_state="A")}, "loop"),
        (
            {"A": {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": "B", "States": {"B": _task(1)}}}},
            "Map",
        ),
    ],
)
def test_a_path_no_setting_bounds_is_reported(states: dict[str, Any], message: str) -> None:
    with pytest.raises(UnboundedPathError, match=message):
        worst_case_seconds({"StartAt": "A", "States": states})


def test_an_express_machine_that_could_outlive_the_cap_stops_the_synth(tmp_path: Path) -> None:
    # Given a chat machine whose one task may run 400 s
    slow = tmp_path / "chat.asl.json"
    slow.write_text(json.dumps({"StartAt": "A", "States": {"A": _task(400)}}))

    # When it is loaded for synth / Then it is refused, saying by how much
    with pytest.raises(AslError, match="slowest path can run 400 s, over the 290 s"):
        load(slow)


def test_a_substitution_that_is_not_a_function_arn_is_refused() -> None:
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "StateMachineName": "portal-dev-chat",
                    "DefinitionString": '{"StartAt": "A"}',
                    "DefinitionSubstitutions": {"F": {"Fn::GetAtt": ["T", "Arn"]}},
                },
            },
            "T": {"Type": "AWS::SNS::Topic", "Properties": {}},
        }
    }
    with pytest.raises(DeployedWorkflowError, match="AWS::SNS::Topic, not a Lambda function"):
        from_template(template, {})
