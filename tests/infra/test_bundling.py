"""Layers built without Docker from the hashed lock: pruned, split by use, cached by input hash, small."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

import infra.bundling as bundling
from infra.bundling import (
    LAMBDA_UNZIPPED_LIMIT,
    LOCK_FILE,
    OMITTED,
    PRUNED,
    LayerBuilder,
    dependency_key,
    dir_size,
    layer_requirements,
    read_lock,
    runtime_requirements,
    stale_pins,
)
from infra.functions import ALL_FUNCTIONS, REPO_ROOT, Layer
from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra

# Issue #9: no function over 100 MB unzipped with its layers (Lambda's own limit is 250 MB).
BUDGET = 100 * 1024 * 1024
# Lambda allows five layers per function; the portal source layer is always one of them.
MAX_DEPENDENCY_LAYERS = 4
DEV_LOCK = REPO_ROOT / "requirements" / "dev.txt"


def test_the_lock_satisfies_every_runtime_dependency_of_pyproject() -> None:
    assert stale_pins(read_lock(), runtime_requirements()) == []


def test_a_dependency_the_lock_does_not_satisfy_is_reported() -> None:
    from packaging.requirements import Requirement

    assert stale_pins(read_lock(), [Requirement("pydantic>=999"), Requirement("not-locked>=1")]) == [
        "pydantic>=999",
        "not-locked>=1",
    ]


def test_every_locked_package_is_pinned_with_hashes(tmp_path: Path) -> None:
    assert all(entry.hashes and entry.version for entry in read_lock())
    loose = tmp_path / "loose.txt"
    loose.write_text("fastapi>=0.110 \\\n    --hash=sha256:00\n")
    with pytest.raises(ValueError, match="one pinned version"):
        read_lock(loose)
    unhashed = tmp_path / "unhashed.txt"
    unhashed.write_text("fastapi==0.110.0\n")
    with pytest.raises(ValueError, match="with hashes"):
        read_lock(unhashed)


def test_the_local_install_has_the_locked_versions() -> None:
    # make install installs requirements/runtime.txt with --require-hashes; the venv shows it.
    for entry in read_lock():
        if entry.marker is None or entry.marker.evaluate():
            assert metadata.version(entry.name) == entry.version, entry.name


def test_the_dev_lock_pins_the_runtime_packages_alike() -> None:
    dev = {e.name: (e.version, set(e.hashes)) for e in read_lock(DEV_LOCK)}
    for entry in read_lock():
        if entry.name in dev:
            assert dev[entry.name][0] == entry.version, entry.name
            assert dev[entry.name][1] <= set(entry.hashes), entry.name


def test_every_runtime_dependency_lies_in_exactly_one_layer_and_boto_in_none() -> None:
    grouped = layer_requirements()
    names = [bundling.normalize(r.name) for reqs in grouped.values() for r in reqs]
    assert len(names) == len(set(names))
    assert not set(names) & PRUNED
    assert {"langgraph", "mcp"} <= {bundling.normalize(r.name) for r in grouped[Layer.AGENTS]}
    assert {"anthropic", "google-genai"} == {bundling.normalize(r.name) for r in grouped[Layer.MODELS]}


def test_layers_hold_no_boto_no_bytecode_no_installer_records_and_no_local_target(
    portal: Synthesized,
) -> None:
    for layer in Layer:
        site = portal.builder.get(layer.value).path / "python"
        assert not (site / "boto3").exists() and not (site / "botocore").exists(), layer
        assert not list(site.rglob("*.pyc")), layer
        assert not [p for p in site.glob("*.dist-info/*") if p.name in bundling.INSTALLER_FILES], layer
        assert not (site / "bin").exists(), layer
    portal_site = portal.builder.get("portal").path / "python" / "portal"
    assert (portal_site / "__init__.py").is_file()
    assert not (portal_site / "local").exists()


def test_model_sdks_and_parsers_stay_out_of_the_core_layer(portal: Synthesized) -> None:
    def site(layer: Layer) -> Path:
        return portal.builder.get(layer.value).path / "python"

    assert (site(Layer.CORE) / "fastapi").is_dir() and (site(Layer.CORE) / "pydantic_core").is_dir()
    for heavy, layer in [
        ("anthropic", Layer.MODELS),
        ("google", Layer.MODELS),
        ("langgraph", Layer.AGENTS),
        ("mcp", Layer.AGENTS),
        ("pypdf", Layer.PDF),
        ("lxml", Layer.OFFICE),
        ("PIL", Layer.OFFICE),
    ]:
        assert (site(layer) / heavy).is_dir(), heavy
        assert not [other for other in Layer if other != layer and (site(other) / heavy).exists()], heavy


def test_no_distribution_is_shipped_twice_and_omitted_ones_not_at_all(portal: Synthesized) -> None:
    manifest = portal.builder.manifest()
    held = [d for layer in Layer for d in manifest[layer.value]["holds"]]
    assert len(held) == len(set(held))
    assert not set(held) & (set(OMITTED) | PRUNED)
    for layer in Layer:
        infos = {
            p.name.split("-")[0].lower()
            for p in (portal.builder.get(layer.value).path / "python").glob("*.dist-info")
        }
        assert not infos & {name.replace("-", "_") for name in OMITTED}, layer


@pytest.mark.parametrize("spec", ALL_FUNCTIONS, ids=lambda s: s.name)
def test_each_function_with_its_layers_stays_under_100_mb(portal: Synthesized, spec) -> None:
    builder = portal.builder
    assert len(spec.layers) <= MAX_DEPENDENCY_LAYERS
    total = dir_size(spec.code_dir) + sum(builder.get(layer.value).size_bytes for layer in spec.layers)
    total += builder.get("portal").size_bytes
    assert total < BUDGET < LAMBDA_UNZIPPED_LIMIT, f"{spec.name}: {total / 2**20:.1f} MB"


def test_cached_layers_are_reused_without_pip(portal: Synthesized, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given layers already built for these inputs (the session fixture built them)
    def no_pip(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("pip ran although nothing changed")

    monkeypatch.setattr(bundling, "_pip_install", no_pip)
    # When a new builder asks for them
    fresh = LayerBuilder()
    # Then they come from the cache, identical
    for layer in Layer:
        assert fresh.get(layer.value) == portal.builder.get(layer.value)


def test_changed_inputs_change_the_cache_key() -> None:
    lock_text = LOCK_FILE.read_text()
    grouped = layer_requirements()
    assert dependency_key(lock_text, grouped) == dependency_key(lock_text, grouped)
    assert dependency_key(lock_text, grouped) != dependency_key(lock_text + "extra==1.0\n", grouped)
    moved = {**grouped, Layer.CORE: grouped[Layer.CORE][:-1]}
    assert dependency_key(lock_text, grouped) != dependency_key(lock_text, moved)


def test_each_function_ships_only_its_own_directory(portal: Synthesized) -> None:
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


def test_the_cdk_suites_share_one_xdist_worker(request: pytest.FixtureRequest) -> None:
    # Every CDK test synthesizes into the same cdk.out and layer cache: two workers doing it at
    # once broke a CI run. pytest-xdist groups them by the "@cdk" suffix it adds to the node id,
    # which pytest 9.2 silently dropped; this fails if the grouping stops taking effect.
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only meaningful under `make test` (--dist loadgroup)")
    assert request.node.nodeid.endswith("@cdk"), request.node.nodeid
