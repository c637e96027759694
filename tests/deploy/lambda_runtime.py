"""Start a synthesized function as Lambda would: its code asset and the portal layer on the path,
the environment its template gives it plus what the runtime adds, and nothing of the test process.

The portal package is imported from the function's layer asset in cdk.out, not from the checkout;
its modules are swapped out of sys.modules while another function (or the tests) runs, so every
function has its own cold start. Third-party libraries come from the venv: the layer wheels are
built for aarch64 and another Python.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_lambda_powertools.utilities import parameters
from portal.local.functions import running_function

from tests.deploy.assembly import REGION, DeployedFunction
from tests.deploy.bedrock import access_key
from tests.deploy.recorder import running_deployed

# Variables of the test process that a Lambda function would never see.
_FOREIGN = ("PORTAL_", "DATABASE_URL", "ANTHROPIC_", "GOOGLE_", "TAVILY_", "BRAVE_", "POWERTOOLS_")


def _forget_process_caches() -> None:
    """Caches of shared libraries that hold a container's secrets or credentials (Powertools
    parameters, the anthropic SDK's boto3 sessions): a container must neither see the test
    process's nor leave its own behind."""
    from anthropic.lib.aws import _auth

    parameters.clear_caches()
    _auth._get_session.cache_clear()


def _is_portal(name: str) -> bool:
    return name == "portal" or name.startswith("portal.")


def _swap(table: dict[str, Any], owned: Callable[[str], bool], incoming: dict[str, Any]) -> dict[str, Any]:
    """Take the entries `owned` selects out of `table`, put `incoming` in; return what was taken."""
    taken = {name: value for name, value in table.items() if owned(name)}
    for name in taken:
        del table[name]
    table.update(incoming)
    return taken


@dataclass
class Invocation:
    """What one invoke returned, or the error Lambda would have reported."""

    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class LambdaFunction:
    """One function's container: created cold, warm for later invocations in the same test."""

    function: DeployedFunction
    environment: dict[str, str]
    # Endpoints of this machine's stand-ins (like moto's), never settings of the portal.
    endpoints: dict[str, str] = field(default_factory=dict)
    _modules: dict[str, ModuleType] = field(default_factory=dict)
    # Powertools configures the stdlib logger of its service once per process: each container has its own.
    _loggers: dict[str, Any] = field(default_factory=dict)
    _handler: Any = None

    def runtime_environment(self) -> dict[str, str]:
        fn = self.function
        return {
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            # The function's own key: calls signed with it are its calls (see bedrock.py).
            "AWS_ACCESS_KEY_ID": access_key(str(fn.spec_name)),
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_LAMBDA_FUNCTION_NAME": fn.logical_id,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_mb),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.14",
            "LAMBDA_TASK_ROOT": str(fn.code_dir),
            # No X-Ray daemon here; with tracing on, the SDK would only log that it is missing.
            "POWERTOOLS_TRACE_DISABLED": "true",
            **self.endpoints,
            **self.environment,
        }

    @contextmanager
    def _running(self) -> Iterator[None]:
        saved_env = dict(os.environ)
        saved_path = list(sys.path)
        saved_modules = _swap(sys.modules, _is_portal, self._modules)  # type: ignore[arg-type]
        service = self.environment.get("POWERTOOLS_SERVICE_NAME", "service_undefined")
        service_logger = lambda name: name == service or name.startswith(f"{service}.")  # noqa: E731
        saved_loggers = _swap(logging.Logger.manager.loggerDict, service_logger, self._loggers)
        for key in [k for k in os.environ if k.startswith(_FOREIGN)]:
            del os.environ[key]
        os.environ.update(self.runtime_environment())
        sys.path[:0] = [str(p) for p in self.python_paths()]
        _forget_process_caches()
        token, deployed = running_function.set(self.function.spec_name), running_deployed.set(True)
        try:
            yield
        finally:
            running_function.reset(token)
            running_deployed.reset(deployed)
            _forget_process_caches()
            self._modules = _swap(sys.modules, _is_portal, saved_modules)  # type: ignore[arg-type]
            self._loggers = _swap(logging.Logger.manager.loggerDict, service_logger, saved_loggers)
            sys.path[:] = saved_path
            os.environ.clear()
            os.environ.update(saved_env)

    def python_paths(self) -> list[Path]:
        """The code asset, then every layer that ships the portal's own source (python/portal)."""
        assert self.function.code_dir is not None
        return [self.function.code_dir] + [
            d / "python" for d in self.function.layer_dirs if (d / "python" / "portal").is_dir()
        ]

    def invoke(self, event: Any) -> Invocation:
        with self._running():
            try:
                if self._handler is None:
                    self._handler = self._import_handler()
                return Invocation(result=self._handler(event, LambdaContext(self.function)))
            except Exception:  # Lambda reports every exception as the function's error
                return Invocation(error=traceback.format_exc(limit=-8))

    def _import_handler(self) -> Any:
        assert self.function.code_dir is not None
        module_name, attribute = self.function.handler.rsplit(".", 1)
        path = self.function.code_dir / f"{module_name.replace('.', '/')}.py"
        spec = importlib.util.spec_from_file_location(f"_deployed_{self.function.spec_name}", path)
        assert spec and spec.loader, f"no handler module at {path}"
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        origin = Path(sys.modules["portal"].__file__ or "").resolve()
        layers = [p.resolve() for p in self.python_paths()[1:]]
        assert any(origin.is_relative_to(p) for p in layers), f"portal came from {origin}, not from a layer"
        return getattr(module, attribute)


class LambdaContext:
    """The attributes Powertools reads from Lambda's context object."""

    def __init__(self, function: DeployedFunction) -> None:
        self.function_name = function.logical_id
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = function.memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{function.logical_id}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.logical_id}"
        self.log_stream_name = "deploy-test"
        self._deadline = time.monotonic() + function.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
