"""cfn-lint over the synthesized templates: no errors, no warnings beyond CDK's own DependsOn style."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra

# W3005: CDK adds DependsOn next to a GetAtt on the same role; redundant, not wrong.
IGNORED = ["W3005"]


def test_cfn_lint_passes(portal: Synthesized) -> None:
    templates = sorted(str(p) for p in portal.outdir.glob("*.template.json"))
    assert len(templates) == len(portal.stacks)
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    assert cfn_lint, "cfn-lint is not installed (pip install -e .[infra])"
    result = subprocess.run(
        [cfn_lint, "--format", "parseable", "--ignore-checks", *IGNORED, "--", *templates],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
