"""infra/ reads telemetry names from data (portal.telemetry); the runtime must emit the same ones."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.infra.helpers import ROOT


def test_infra_imports_no_module_that_creates_clients_even_with_a_profile_that_does_not_exist() -> None:
    # Given an empty AWS_PROFILE (botocore raises ProfileNotFound for any session it builds)
    env = {**os.environ, "AWS_PROFILE": ""}
    # When the CDK app's modules are imported, as `cdk synth` does
    code = (
        "import sys, infra.app, infra.functions; "
        "bad = sorted(m for m in sys.modules if m in ('portal.observability', 'portal.services') "
        "or m.startswith(('aws_lambda_powertools.tracing', 'portal.llm.providers'))); print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    # Then they import, and none of them builds a client
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"
