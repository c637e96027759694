"""cdk-nag's AwsSolutions pack: zero unsuppressed errors, and every suppression says what and why."""

from __future__ import annotations

import csv
import re

import pytest
from aws_cdk.assertions import Annotations, Match

from infra.nag import MIN_REASON
from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra


def suppressions(portal: Synthesized) -> list[tuple[str, str, dict]]:
    found = []
    for stack, template in portal.all_json().items():
        for logical_id, resource in template["Resources"].items():
            for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
                found.append((stack, logical_id, rule))
    return found


@pytest.mark.parametrize(
    "stack", ["data", "identity", "realtime", "agents", "api", "ingest", "web", "observability"]
)
def test_no_unsuppressed_errors(portal: Synthesized, stack: str) -> None:
    errors = Annotations.from_stack(portal.stacks[stack]).find_error(
        "*", Match.string_like_regexp(r"AwsSolutions-")
    )
    assert errors == [], "\n".join(str(e.entry.data) for e in errors)


def test_no_unsuppressed_warnings(portal: Synthesized) -> None:
    for stack in portal.stacks.values():
        warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(r"AwsSolutions-"))
        assert warnings == [], "\n".join(str(w.entry.data) for w in warnings)


def test_every_suppression_names_the_rule_and_why(portal: Synthesized) -> None:
    found = suppressions(portal)
    assert found
    for stack, logical_id, rule in found:
        assert re.fullmatch(r"AwsSolutions-[A-Z]+\d+", rule["id"]), (stack, logical_id, rule)
        assert len(rule["reason"]) >= MIN_REASON, (stack, logical_id, rule)


def test_iam5_suppressions_on_portal_roles_name_the_exact_wildcards(portal: Synthesized) -> None:
    for stack, logical_id, rule in suppressions(portal):
        if rule["id"] == "AwsSolutions-IAM5":
            assert rule.get("applies_to"), f"{stack}/{logical_id} waives IAM5 for every wildcard"


def test_every_suppressed_rule_is_still_needed(portal: Synthesized) -> None:
    # Given cdk-nag's own reports of this synth
    suppressed = set()
    for report in portal.outdir.glob("AwsSolutions-*-NagReport.csv"):
        with report.open() as handle:
            suppressed |= {
                (row["Rule ID"].split("[")[0], row["Resource ID"].split("/")[0])
                for row in csv.DictReader(handle)
                if row["Compliance"] == "Suppressed"
            }
    names = {name: stack.stack_name for name, stack in portal.stacks.items()}
    # Then each rule suppressed somewhere in a stack matched at least one finding there
    for stack, _logical_id, rule in suppressions(portal):
        assert (rule["id"], names[stack]) in suppressed, (
            f"{rule['id']} is suppressed in {stack} but never fires"
        )
