"""Agents stack: task functions, and one state machine per ASL file with real substitutions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from aws_cdk.assertions import Match

import infra.workflows as workflows
from infra.components.workflow import MissingSubstitutionError
from infra.functions import AGENT_TASKS, by_substitution, worker
from tests.infra.helpers import (
    Synthesized,
    all_actions,
    function_by_handler,
    resources,
    statements_of_function,
)

pytestmark = pytest.mark.infra


def machines(template: dict) -> dict[str, dict]:
    return {
        m["Properties"]["StateMachineName"]: m["Properties"]
        for m in resources(template, "AWS::StepFunctions::StateMachine").values()
    }


def test_chat_is_an_express_machine_whose_substitutions_are_the_task_functions(portal: Synthesized) -> None:
    # Given the chat ASL and the agents template
    template = portal.json("agents")
    chat = machines(template)["portal-dev-chat"]
    assert chat["StateMachineType"] == "EXPRESS"
    used = workflows.load(workflows.STATEMACHINES_DIR / "chat.asl.json").substitutions
    # Then every placeholder is the ARN of the function with that placeholder's handler
    assert set(chat["DefinitionSubstitutions"]) == used
    for name, value in chat["DefinitionSubstitutions"].items():
        function_id, _ = function_by_handler(template, by_substitution()[name].handler)
        assert value == {"Fn::GetAtt": [function_id, "Arn"]}


def test_state_machines_log_everything_and_trace(portal: Synthesized) -> None:
    for machine in machines(portal.json("agents")).values():
        assert machine["LoggingConfiguration"]["Level"] == "ALL"
        assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False
        assert machine["TracingConfiguration"] == {"Enabled": True}


def test_the_state_machine_may_invoke_exactly_its_task_functions(portal: Synthesized) -> None:
    template = portal.json("agents")
    invoked = set()
    for policy in resources(template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Action"] == "lambda:InvokeFunction":
                invoked |= {json.dumps(r) for r in statement["Resource"]}
    for spec in AGENT_TASKS:
        function_id, _ = function_by_handler(template, spec.handler)
        assert json.dumps({"Fn::GetAtt": [function_id, "Arn"]}) in invoked


def test_research_machine_is_standard_when_its_asl_exists(portal: Synthesized) -> None:
    if not (workflows.STATEMACHINES_DIR / "research.asl.json").exists():
        pytest.skip("statemachines/research.asl.json is not in the repository yet")
    assert machines(portal.json("agents"))["portal-dev-research"]["StateMachineType"] == "STANDARD"


@pytest.fixture
def with_research(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A statemachines/ dir holding the real chat ASL plus a small research ASL."""
    shutil.copy(workflows.STATEMACHINES_DIR / "chat.asl.json", tmp_path)
    (tmp_path / "research.asl.json").write_text(
        json.dumps(
            {
                "StartAt": "Plan",
                "States": {
                    "Plan": {"Type": "Task", "Resource": "${SupervisorFunctionArn}", "Next": "Search"},
                    "Search": {
                        "Type": "Map",
                        "ItemsPath": "$.queries",
                        "ItemProcessor": {
                            "StartAt": "One",
                            "States": {
                                "One": {
                                    "Type": "Task",
                                    "Resource": "${GeneralWorkerFunctionArn}",
                                    "End": True,
                                }
                            },
                        },
                        "Next": "Done",
                    },
                    "Done": {"Type": "Succeed"},
                },
            }
        )
    )
    monkeypatch.setattr(workflows, "STATEMACHINES_DIR", tmp_path)
    return tmp_path


def test_a_research_asl_becomes_a_standard_machine_with_its_substitutions(
    with_research: Path, synth_variant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from tests.infra.helpers import synthesize

    # Given statemachines/ with chat and research
    app = synthesize(
        tmp_path_factory.mktemp("research"), bundle="placeholder", **{"aws:cdk:disable-asset-staging": True}
    )
    template = app.json("agents")
    # Then both machines exist, research as Standard, with the worker ARN substituted
    found = machines(template)
    assert found["portal-dev-chat"]["StateMachineType"] == "EXPRESS"
    research = found["portal-dev-research"]
    assert research["StateMachineType"] == "STANDARD"
    function_id, _ = function_by_handler(template, "general.handler")
    assert research["DefinitionSubstitutions"]["GeneralWorkerFunctionArn"] == {
        "Fn::GetAtt": [function_id, "Arn"]
    }
    # and the API may start it
    api_statements = statements_of_function(app.json("api"), "handler.handler")
    assert any(s["Action"] == "states:StartExecution" for s in api_statements)
    app.template("api").has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like({"PORTAL_RESEARCH_STATE_MACHINE_ARN": Match.any_value()})
            }
        },
    )


def test_a_placeholder_no_function_supplies_stops_synth_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from tests.infra.helpers import synthesize

    # Given a chat ASL that refers to a worker nobody registered
    asl = json.loads((workflows.STATEMACHINES_DIR / "chat.asl.json").read_text())
    asl["States"]["GeneralWorker"]["Resource"] = "${TranslatorWorkerFunctionArn}"
    (tmp_path / "chat.asl.json").write_text(json.dumps(asl))
    monkeypatch.setattr(workflows, "STATEMACHINES_DIR", tmp_path)
    # Then synth fails and says which substitution is missing
    with pytest.raises(Exception, match=r"TranslatorWorkerFunctionArn") as info:
        synthesize(tmp_path_factory.mktemp("missing"), bundle="placeholder")
    assert isinstance(info.value, MissingSubstitutionError) or "TranslatorWorkerFunctionArn" in str(
        info.value
    )


def test_adding_a_worker_is_one_registry_entry() -> None:
    spec = worker("web_search")
    assert spec.handler == "web_search.handler"
    assert spec.directory == "agents"
    assert spec.substitution == "WebSearchWorkerFunctionArn"


def test_agents_may_invoke_only_configured_bedrock_models(portal: Synthesized) -> None:
    template = portal.json("agents")
    for spec in AGENT_TASKS:
        bedrock = [
            s for s in statements_of_function(template, spec.handler) if "bedrock:InvokeModel" in s["Action"]
        ]
        assert len(bedrock) == 1
        for resource in bedrock[0]["Resource"]:
            text = json.dumps(resource)
            assert (
                "foundation-model/anthropic." in text
                or "inference-profile/*.anthropic." in text
                or "titan-embed" in text
            )


def test_a_research_run_that_ends_badly_reaches_the_failure_handler(synth_variant) -> None:
    # Given the agents stack as synthesized
    template = synth_variant().json("agents")
    failure_id, _ = function_by_handler(template, "failure.handler")
    research_id = next(
        k
        for k, v in resources(template, "AWS::StepFunctions::StateMachine").items()
        if v["Properties"]["StateMachineName"].endswith("-research")
    )

    # When its EventBridge rules are read
    rules = list(resources(template, "AWS::Events::Rule").values())

    # Then one rule sends the research machine's timed-out/aborted/failed executions to the failure function
    # (Express sends no status events: the chat machine's turns are repaired on resume instead)
    (rule,) = rules
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert sorted(pattern["detail"]["status"]) == ["ABORTED", "FAILED", "TIMED_OUT"]
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": research_id}]
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [failure_id, "Arn"]}


def test_research_search_may_retrieve_the_users_files_like_the_rag_worker(portal: Synthesized) -> None:
    """Deep research's Search step runs RAG retrieval (portal.rag.retrieve.search): it needs what the
    multimodal_rag worker needs for it: the database, the query embedding model, the vector settings."""
    template = portal.json("agents")
    _, search = function_by_handler(template, "research_search.handler")
    _, rag = function_by_handler(template, "multimodal_rag.handler")
    env = search["Properties"]["Environment"]["Variables"]
    rag_env = rag["Properties"]["Environment"]["Variables"]
    retrieval_keys = {
        k for k in rag_env if k.startswith(("PORTAL_DB", "PORTAL_RAG", "PORTAL_EMBED", "PORTAL_VECTOR"))
    }
    assert retrieval_keys, "the RAG worker's retrieval settings were not found"
    assert {k: env.get(k) for k in retrieval_keys} == {k: rag_env[k] for k in retrieval_keys}
    granted = all_actions(statements_of_function(template, "research_search.handler"))
    assert {"rds-data:ExecuteStatement", "secretsmanager:GetSecretValue", "bedrock:InvokeModel"} <= granted
    assert all_actions(statements_of_function(template, "multimodal_rag.handler")) - granted <= {
        a
        for a in all_actions(statements_of_function(template, "multimodal_rag.handler"))
        if a.startswith("states:")
    }
