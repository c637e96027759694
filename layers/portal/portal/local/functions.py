"""Loads the Lambda handlers from functions/ the way Lambda does: each directory is its own bundle."""

from __future__ import annotations

import contextvars
import importlib.util
import json
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import portal


def repo_root() -> Path:
    """The checkout this portal package was installed from (editable install)."""
    root = Path(portal.__file__).resolve().parents[3]
    if not (root / "functions").is_dir() or not (root / "statemachines").is_dir():
        raise RuntimeError(
            f"functions/ and statemachines/ not found next to {root}: install the portal with `pip install -e .`"
        )
    return root


@dataclass(frozen=True)
class LocalFunction:
    name: str  # the Lambda function name locally
    directory: str  # under functions/
    handler: str  # "module.function", as Lambda's Handler setting
    substitution: str | None = None  # the ASL ${...} it fills
    spec_name: str = ""  # its name in infra/functions.py, e.g. "worker_general"


# The deployed function whose code is running in-process (its infra/functions.py name). The tests'
# IAM contract attributes every AWS call to it and checks the call against that function's role.
running_function: ContextVar[str | None] = ContextVar("portal_running_function", default=None)


def _deployed_functions() -> tuple[LocalFunction, ...]:
    """The functions the CDK app deploys, read from infra/functions.py (one list, no drift).

    Loaded by path: infra/ is not an installed package (the module needs only the stdlib and
    portal.agents.registry).
    """
    path = repo_root() / "infra" / "functions.py"
    spec = importlib.util.spec_from_file_location("_portal_infra_functions", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while executing it
    spec.loader.exec_module(module)
    return tuple(
        LocalFunction(
            f"portal-{fn.name.replace('_', '-')}", fn.directory, fn.handler, fn.substitution, fn.name
        )
        for fn in module.ALL_FUNCTIONS
    )


FUNCTIONS: tuple[LocalFunction, ...] = _deployed_functions()
BY_NAME = {f.name: f for f in FUNCTIONS}


@cache
def load_handler(name: str) -> Any:
    """Import functions/<dir>/<module>.py under a private module name and return its handler."""
    fn = BY_NAME[name]
    module_name, attr = fn.handler.rsplit(".", 1)
    path = repo_root() / "functions" / fn.directory / f"{module_name}.py"
    unique = f"_lambda_{fn.directory}_{module_name}"
    spec = importlib.util.spec_from_file_location(unique, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    spec.loader.exec_module(module)
    return getattr(module, attr)


class LambdaContext:
    """The attributes Powertools reads from Lambda's context object."""

    def __init__(self, name: str, timeout_seconds: int = 300) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 1024
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def invoke(name: str, event: Any) -> tuple[Any, str | None]:
    """Run a handler in-process: (result, None) or (Lambda's error payload, "Unhandled").

    Each invocation runs in a fresh context, as each Lambda invocation starts clean: its log
    keys (function name, correlation id) and deadline are its own, whatever runs beside it.
    """
    return contextvars.Context().run(_invoke, name, event)


def _invoke(name: str, event: Any) -> tuple[Any, str | None]:
    running_function.set(BY_NAME[name].spec_name)
    try:
        return load_handler(name)(event, LambdaContext(name)), None
    except Exception as exc:  # Lambda reports every exception as a function error
        return {"errorType": type(exc).__name__, "errorMessage": str(exc)}, "Unhandled"


def invoke_json(name: str, body: bytes | str) -> tuple[bytes, str | None]:
    """invoke() with Lambda's wire format (JSON in, JSON out)."""
    event = json.loads(body or "{}")
    result, error = invoke(name, event)
    return json.dumps(result, default=str).encode(), error
