"""`npx aws-cdk@2 synth` from the repository root, with no AWS credentials at all and an empty profile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.helpers import ROOT

pytestmark = pytest.mark.infra


@pytest.mark.skipif(shutil.which("npx") is None, reason="Node.js/npx is not installed")
@pytest.mark.timeout(600)
def test_cdk_cli_synthesizes_without_credentials(tmp_path: Path) -> None:
    # Given an environment with no AWS credentials, an empty AWS_PROFILE (any boto3 session built at
    # import would raise ProfileNotFound: infra/ reads data only), and this venv's python first
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env["AWS_PROFILE"] = ""
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    env["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1"
    # When the CLI synthesizes the app from cdk.json
    result = subprocess.run(
        [
            "npx",
            "--yes",
            "aws-cdk@2",
            "synth",
            "--quiet",
            "--no-notices",
            "--output",
            str(tmp_path / "cdk.out"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    # Then it succeeds, prints every bundle's size, and writes all eight templates (Identity included)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    assert "[bundle] function api" in result.stderr
    assert len(list((tmp_path / "cdk.out").glob("*.template.json"))) == 8
