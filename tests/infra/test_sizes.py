"""The README's size table is what `make sizes` generates from the built layers."""

from __future__ import annotations

import pytest

from infra.functions import ALL_FUNCTIONS, REPO_ROOT
from infra.sizes import BEGIN, END, rewrite, table
from tests.infra.helpers import Synthesized

pytestmark = pytest.mark.infra


def test_the_readme_table_matches_the_generator(portal: Synthesized) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert rewrite(readme, table(portal.builder)) == readme, "README's size table is stale: run `make sizes`"


def test_the_table_lists_every_function(portal: Synthesized) -> None:
    generated = table(portal.builder)
    assert all(f"| `{spec.name}` |" in generated for spec in ALL_FUNCTIONS)


def test_rewrite_replaces_only_the_part_between_the_markers() -> None:
    text = f"before\n{BEGIN}\nold table\n{END}\nafter\n"
    assert rewrite(text, "new table\n") == f"before\n{BEGIN}\nnew table\n{END}\nafter\n"
    with pytest.raises(ValueError, match="markers"):
        rewrite("no markers here\n", "new table\n")
