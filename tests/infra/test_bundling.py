"""Layers built without Docker: pruned, split core/agents, cached by input hash, and small."""

from __future__ import annotations

import pytest

import infra.bundling as bundling
from infra.bundling import (
    CORE,
    LAMBDA_UNZIPPED_LIMIT,
    LayerBuilder,
    dependency_key,
    dir_size,
    split_requirements,
)
from infra.functions import ALL_FUNCTIONS, Layer
from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra

# "Far under" Lambda's 250 MB: leave room for the portal and dependencies to grow.
BUDGET = 200 * 1024 * 1024


def test_requirements_split_into_core_and_agents_without_boto() -> None:
    core, agents = split_requirements()
    names = {bundling.normalize(r) for r in core + agents}
    assert {bundling.normalize(r) for r in core} == CORE
    assert not names & {"boto3", "botocore"}
    assert {"langgraph", "anthropic", "google-genai", "opensearch-py"} <= {
        bundling.normalize(r) for r in agents
    }


def test_layers_hold_no_boto_no_bytecode_and_no_local_target(portal: Synthesized) -> None:
    builder = portal.builder
    for name in ("core", "agents"):
        site = builder.get(name).path / "python"
        assert not (site / "boto3").exists() and not (site / "botocore").exists(), name
        assert not list(site.rglob("*.pyc")), name
    portal_site = builder.get("portal").path / "python" / "portal"
    assert (portal_site / "__init__.py").is_file()
    assert not (portal_site / "local").exists()


def test_core_layer_keeps_the_api_free_of_agent_libraries(portal: Synthesized) -> None:
    core = portal.builder.get("core").path / "python"
    agents = portal.builder.get("agents").path / "python"
    assert (core / "fastapi").is_dir() and (core / "pydantic_core").is_dir() and (core / "mangum").is_dir()
    for heavy in ("langgraph", "anthropic", "google"):
        assert not (core / heavy).exists()
        assert (agents / heavy).exists()
    # nothing is shipped twice
    assert not (agents / "pydantic").exists()


@pytest.mark.parametrize("spec", ALL_FUNCTIONS, ids=lambda s: s.name)
def test_each_function_with_its_layers_stays_far_under_the_lambda_limit(portal: Synthesized, spec) -> None:
    builder = portal.builder
    total = dir_size(spec.code_dir) + sum(builder.get(layer.value).size_bytes for layer in spec.layers)
    total += builder.get("portal").size_bytes
    assert total < BUDGET < LAMBDA_UNZIPPED_LIMIT, f"{spec.name}: {total / 2**20:.1f} MB"


def test_api_and_ws_do_not_carry_the_agents_layer() -> None:
    by_name = {s.name: s for s in ALL_FUNCTIONS}
    for name in ("api", "ws", "migrate", "sweep"):
        assert Layer.AGENTS not in by_name[name].layers


def test_cached_layers_are_reused_without_pip(portal: Synthesized, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given layers already built for these inputs (the session fixture built them)
    def no_pip(*_args, **_kwargs):
        raise AssertionError("pip ran although nothing changed")

    monkeypatch.setattr(bundling, "_pip_install", no_pip)
    # When a new builder asks for them
    fresh = LayerBuilder()
    # Then they come from the cache, identical
    assert fresh.get("core") == portal.builder.get("core")
    assert fresh.get("agents") == portal.builder.get("agents")


def test_changed_inputs_change_the_cache_key() -> None:
    core, agents = split_requirements()
    assert dependency_key(core, agents) == dependency_key(core, agents)
    assert dependency_key(core, agents) != dependency_key(core, [*agents, "extra-package>=1"])


def test_each_function_ships_only_its_own_directory(portal: Synthesized) -> None:
    import json

    for name in portal.stacks:
        template = portal.json(name)
        for resource in template["Resources"].values():
            if resource["Type"] != "AWS::Lambda::Function" or "Layers" not in resource["Properties"]:
                continue
            asset = portal.outdir / resource["Metadata"]["aws:asset:path"]
            shipped = sorted(p.relative_to(asset).as_posix() for p in asset.rglob("*") if p.is_file())
            handler_module = resource["Properties"]["Handler"].split(".")[0] + ".py"
            assert handler_module in shipped, json.dumps(shipped)
            assert not [p for p in shipped if p.startswith(("portal/", "python/")) or p.endswith(".pyc")]
