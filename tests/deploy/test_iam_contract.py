"""Every AWS call recorded in this session is one the calling function's synthesized role allows.

The calls come from the integration tests (the local target attributes them to the function whose
code made them) and from the deploy tests (functions started from cdk.out). This test runs after
all of them (see plugin.py); under pytest-xdist, in its own step after the workers, reading the
calls they wrote to PORTAL_TEST_RUN_DIR (shared_calls.py, and `make test`).
"""

from __future__ import annotations

import os

import pytest

from tests.deploy.assembly import CloudAssembly
from tests.deploy.iam import DeployedNames, RolePolicies, check_calls
from tests.deploy.recorder import RECORDER
from tests.deploy.report import REPORT
from tests.deploy.shared_calls import RUN_DIR, read_sessions


@pytest.mark.after_all_calls
def test_every_recorded_aws_call_is_allowed_by_the_calling_functions_role(assembly: CloudAssembly) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # One worker sees only its own calls, and others may still be running: a pass would mean little.
        pytest.skip("runs after all xdist workers, in its own step (make test)")
    # Given the calls of this process and of the run's other processes (xdist workers)
    shared_calls, started = read_sessions(RUN_DIR)
    for name, passed in started.items():
        REPORT.function_started(name, passed)

    # And each portal function's role policies, resolved like its environment
    functions = assembly.portal_functions
    policies = {name: RolePolicies.of(assembly, fn) for name, fn in functions.items()}
    environments = [
        {k: str(v) for k, v in assembly.resolve(fn.stack, fn.raw_environment).items()}
        for fn in functions.values()
    ]

    # When every call recorded in this session is checked against its caller's role
    result = check_calls([*RECORDER.calls, *shared_calls], policies, DeployedNames(assembly, environments))
    REPORT.assembly, REPORT.contract = assembly, result

    # Then AWS would have allowed each of them
    assert sum(result.checked.values()) > 0, "no AWS call was recorded: is the recorder installed?"
    if result.refusals:
        refused = "\n".join(f"  {refusal}" for refusal in result.refusals)
        pytest.fail(f"AWS would refuse these calls (function: action on resource):\n{refused}", pytrace=False)
