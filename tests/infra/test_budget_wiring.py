"""Budgets in money, as deployed: every agent task that can call a model runs under the budget guard
and its role may run the guard's transaction (Data API) against the cluster it is told about; the
API may do the same for the admin's budget changes and describe the cache table for its statistics."""

from __future__ import annotations

import json

import pytest

from infra.functions import AGENT_TASKS, API, FAILURE, FunctionSpec
from tests.infra.helpers import Synthesized, actions, all_actions, function_by_handler, statements_of_function

pytestmark = pytest.mark.infra

# The guard reserves and settles in one transaction each (portal.budgets.ledger).
TRANSACTION = {
    "rds-data:BeginTransaction",
    "rds-data:ExecuteStatement",
    "rds-data:CommitTransaction",
    "rds-data:RollbackTransaction",
}
# Tasks that never call a model: the failure handler only records and announces.
NO_MODEL_CALLS = {FAILURE.name}
GUARDED = [spec for spec in AGENT_TASKS if spec.name not in NO_MODEL_CALLS]


def _source(spec: FunctionSpec) -> str:
    module = spec.handler.rsplit(".", 1)[0]
    return (spec.code_dir / f"{module}.py").read_text(encoding="utf-8")


def test_every_agent_task_that_can_call_a_model_spends_the_turns_budget() -> None:
    # A new task without the decorator would call models that nobody pays for from a budget.
    unguarded = [spec.name for spec in GUARDED if "@spends_for_turn(" not in _source(spec)]
    assert unguarded == []
    assert len(GUARDED) >= 10  # the supervisor, the workers and research's steps


@pytest.mark.parametrize("spec", [*GUARDED, API], ids=lambda s: s.name)
def test_budget_guard_callers_may_run_its_transaction_on_the_cluster_they_are_told_about(
    portal: Synthesized, spec: FunctionSpec
) -> None:
    stack = "api" if spec is API else "agents"
    template = portal.json(stack)
    statements = statements_of_function(template, spec.handler)
    assert all_actions(statements) >= TRANSACTION
    on_cluster = [s for s in statements if TRANSACTION & set(actions(s))]
    assert all("Cluster" in json.dumps(s["Resource"]) for s in on_cluster)
    _, fn = function_by_handler(template, spec.handler)
    env = fn["Properties"]["Environment"]["Variables"]
    assert {"PORTAL_DB_CLUSTER_ARN", "PORTAL_DB_SECRET_ARN", "PORTAL_DB_NAME"} <= set(env)


def test_the_api_may_describe_the_cache_table_for_its_statistics(portal: Synthesized) -> None:
    statements = statements_of_function(portal.json("api"), API.handler)
    on_cache = [s for s in statements if "TablesCache" in json.dumps(s["Resource"])]
    assert "dynamodb:DescribeTable" in {a for s in on_cache for a in actions(s)}
