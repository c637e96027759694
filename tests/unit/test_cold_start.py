"""The API and WebSocket functions must not import the heavy model SDKs at cold start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("anthropic", "google.genai", "langgraph", "httpx2")


@pytest.mark.parametrize("module", ["functions.api.handler", "functions.ws.handler"])
def test_function_module_imports_no_model_sdk(module: str) -> None:
    code = "import sys; import " + module + f"; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
