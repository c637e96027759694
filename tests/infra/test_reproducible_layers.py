"""Two builds of the same commit give byte-identical layers (and so identical zipped assets)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra.bundling import FIXED_MTIME, LayerBuilder, tree_digest, zip_tree
from infra.functions import Layer
from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra

LAYERS = [layer.value for layer in Layer] + ["portal"]


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> LayerBuilder:
    """The same inputs built again from scratch (pip and all), away from infra/.build."""
    return LayerBuilder(cache_dir=tmp_path_factory.mktemp("second-build"))


@pytest.mark.parametrize("name", LAYERS)
def test_a_second_build_is_byte_identical(
    portal: Synthesized, second_build: LayerBuilder, name: str, tmp_path: Path
) -> None:
    # Given the layer the synth used and the same layer built again in another directory
    first, second = portal.builder.get(name), second_build.get(name)
    assert first.path != second.path and first.key == second.key
    # Then their trees (paths, modes, contents) and their zips are the same bytes
    assert tree_digest(first.path / "python") == tree_digest(second.path / "python")
    zips = [
        zip_tree(b.path / "python", tmp_path / f"{i}.zip").read_bytes() for i, b in enumerate((first, second))
    ]
    assert zips[0] == zips[1]


@pytest.mark.parametrize("name", LAYERS)
def test_layers_carry_no_trace_of_when_or_by_whom_they_were_built(portal: Synthesized, name: str) -> None:
    site = portal.builder.get(name).path / "python"
    for root, dirs, files in os.walk(site):
        for entry in [*dirs, *files]:
            info = (Path(root) / entry).stat()
            assert info.st_mtime == FIXED_MTIME, entry
            assert oct(info.st_mode & 0o777) in ("0o644", "0o755"), entry
    assert not list(site.rglob("direct_url.json")) and not list(site.rglob("INSTALLER"))


def test_the_tree_digest_sees_a_changed_byte_and_a_changed_mode(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    before = tree_digest(tmp_path)
    (tmp_path / "a.py").write_text("x = 2\n")
    changed_content = tree_digest(tmp_path)
    (tmp_path / "a.py").chmod(0o755)
    assert len({before, changed_content, tree_digest(tmp_path)}) == 3
