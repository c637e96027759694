"""The AWS calls and function starts of other pytest processes of the same run (pytest-xdist workers).

Each process appends one JSON-lines file to PORTAL_TEST_RUN_DIR when its session ends; the IAM
contract test, run afterwards in its own process, reads them all (`make test` does both steps).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from tests.deploy.recorder import AwsCall

# Read once, at import: tests/conftest.py clears every PORTAL_* variable around each test.
RUN_DIR = os.environ.get("PORTAL_TEST_RUN_DIR") or None


def write_session(run_dir: str, calls: list[AwsCall], started: dict[str, bool]) -> Path:
    """Write this process's calls and starts; one file per process, so workers never share a file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = Path(run_dir) / "calls" / f"{worker}-{os.getpid()}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"started": started}) + "\n")
        for call in calls:
            out.write(json.dumps(asdict(call)) + "\n")
    return path


def read_sessions(run_dir: str | None) -> tuple[list[AwsCall], dict[str, bool]]:
    """Every call and start the run's other processes wrote (nothing when no run dir is set)."""
    calls: list[AwsCall] = []
    started: dict[str, bool] = {}
    if not run_dir:
        return calls, started
    for path in sorted((Path(run_dir) / "calls").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for name, passed in json.loads(lines[0])["started"].items():
            started[name] = started.get(name, True) and passed
        calls += [AwsCall(**json.loads(line)) for line in lines[1:]]
    return calls, started
