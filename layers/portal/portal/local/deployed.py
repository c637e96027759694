"""The state machines the CDK app deploys, for the local target to run (not the raw ASL files).

Synthesizing takes a while, so the result is kept in infra/.build/ under a hash of everything
that can change it (the CDK app, the ASL files, cdk.json, the functions' handlers); a change
to any of them synthesizes again.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from portal.local.functions import repo_root
from portal.observability import logger

_INPUTS = (
    "infra/*.py",
    "infra/components/*.py",
    "infra/stacks/*.py",
    "statemachines/*.asl.json",
    "cdk.json",
    "functions/*/*.py",
    "layers/portal/portal/agents/registry.py",  # the workers infra/functions.py deploys
)


def inputs_digest(root: Path) -> str:
    """A hash of every file the synthesized state machines depend on."""
    digest = hashlib.sha256()
    for pattern in _INPUTS:
        for path in sorted(root.glob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def deployed_workflows() -> dict[str, Any]:
    """{name: DeployedWorkflow} as synthesized from the CDK app (cached per input hash)."""
    root = repo_root()
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    # By name: infra/ is the CDK app, not part of the portal package (nor of its type check).
    deployed = importlib.import_module("infra.deployed_workflows")

    cache = root / "infra" / ".build" / f"deployed-workflows-{inputs_digest(root)}.json"
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")  # two starts at once each write their own
        logger.info("synthesizing the CDK app for its state machines (once per change)")
        # A subprocess: the CDK's jsii kernel (node) stays out of the local target's process.
        done = subprocess.run(
            [sys.executable, "-m", "infra.deployed_workflows", str(partial)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"could not synthesize the state machines:\n{done.stderr[-4000:]}")
        partial.replace(cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    return {name: deployed.DeployedWorkflow.from_json(value) for name, value in data.items()}
