"""The GitHub workflow and the README's deploy instructions agree.

The deploy job's OIDC token must satisfy the trust policy the README tells the deployer to
create, and the workflow's test job runs what `make test` runs.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

import pytest
import yaml

from infra.functions import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"
README = REPO_ROOT / "README.md"
REPOSITORY = "acme/ai-portal"  # stands in for <owner>/<repo>
ISSUER = "token.actions.githubusercontent.com"


def jobs() -> dict[str, dict[str, Any]]:
    workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return dict(workflow["jobs"])


def assumes_a_role(job: dict[str, Any]) -> bool:
    return any("configure-aws-credentials" in step.get("uses", "") for step in job.get("steps", []))


def token_subject(job: dict[str, Any]) -> str:
    """The `sub` claim GitHub puts in a job's OIDC token on a push to main."""
    environment = job.get("environment")
    if environment:
        name = environment if isinstance(environment, str) else environment["name"]
        return f"repo:{REPOSITORY}:environment:{name}"
    return f"repo:{REPOSITORY}:ref:refs/heads/main"


def readme_trust_policy() -> dict[str, Any]:
    blocks = re.findall(r"```json\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    policies = [json.loads(b) for b in blocks if "sts:AssumeRoleWithWebIdentity" in b]
    assert len(policies) == 1, "the README should show one trust policy for the deploy role"
    return policies[0]


def trusts(policy: dict[str, Any], claims: dict[str, str]) -> bool:
    """Whether an IAM trust policy's StringEquals/StringLike conditions accept these token claims."""
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow" or statement["Action"] != "sts:AssumeRoleWithWebIdentity":
            continue
        if not statement["Principal"]["Federated"].endswith(f":oidc-provider/{ISSUER}"):
            continue
        accepted = True
        for operator, conditions in statement.get("Condition", {}).items():
            for key, wanted in conditions.items():
                claim = claims.get(key.removeprefix(f"{ISSUER}:"), "")
                patterns = [
                    p.replace("<owner>/<repo>", REPOSITORY)
                    for p in ([wanted] if isinstance(wanted, str) else wanted)
                ]
                if operator == "StringEquals":
                    accepted &= claim in patterns
                elif operator == "StringLike":
                    accepted &= any(fnmatchcase(claim, p) for p in patterns)
                else:
                    raise AssertionError(f"the checker does not know the condition operator {operator}")
        if accepted:
            return True
    return False


def test_the_readme_trust_policy_accepts_the_deploy_jobs_token() -> None:
    deploying = {name: job for name, job in jobs().items() if assumes_a_role(job)}
    assert deploying, "no job assumes an AWS role"
    for name, job in deploying.items():
        assert job.get("permissions", {}).get("id-token") == "write", name
        claims = {"sub": token_subject(job), "aud": "sts.amazonaws.com"}
        assert trusts(readme_trust_policy(), claims), f"{name}'s token ({claims['sub']}) is not trusted"


def test_a_policy_trusting_the_branch_refuses_an_environment_token() -> None:
    # What the README used to say: trust the main branch. A job in an environment gets refused.
    policy = readme_trust_policy()
    branch_only = json.loads(json.dumps(policy).replace(":environment:production", ":ref:refs/heads/main"))
    job = {"environment": "production"}
    assert not trusts(branch_only, {"sub": token_subject(job), "aud": "sts.amazonaws.com"})
    assert trusts(branch_only, {"sub": token_subject({}), "aud": "sts.amazonaws.com"})
    assert not trusts(policy, {"sub": token_subject(job), "aud": "someone-else"})


@pytest.mark.parametrize(
    ("pattern", "subject", "accepted"),
    [
        ("repo:<owner>/<repo>:environment:*", "repo:acme/ai-portal:environment:production", True),
        ("repo:<owner>/<repo>:environment:*", "repo:acme/ai-portal:pull_request", False),
        ("repo:<owner>/<repo>:*", "repo:other/ai-portal:environment:production", False),
    ],
)
def test_string_like_conditions_match_like_iam(pattern: str, subject: str, accepted: bool) -> None:
    policy = readme_trust_policy()
    condition = policy["Statement"][0]["Condition"]
    like = {
        **policy,
        "Statement": [
            {
                **policy["Statement"][0],
                "Condition": {
                    "StringEquals": {f"{ISSUER}:aud": condition["StringEquals"][f"{ISSUER}:aud"]},
                    "StringLike": {f"{ISSUER}:sub": pattern},
                },
            }
        ],
    }
    assert trusts(like, {"sub": subject, "aud": "sts.amazonaws.com"}) is accepted


def test_the_test_job_runs_make_test() -> None:
    # `make test` is the one definition of the checks (ruff on every dir, ruff format, mypy, pytest).
    runs = [step.get("run", "").strip() for step in jobs()["test"]["steps"]]
    assert "make test" in runs


def test_the_deploy_job_installs_from_the_locks() -> None:
    install = " ".join(step.get("run", "") for step in jobs()["deploy"]["steps"])
    assert "--require-hashes" in install and "requirements/runtime.txt" in install
