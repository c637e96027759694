"""House rules that a reviewer would otherwise have to re-check by hand (#16).

- No function in layers/ above cyclomatic complexity 15 (radon's measure, the one
  `make audit` prints).
- The agent graphs take their collaborators from a typed LangGraph ``context_schema``
  (portal.agents.graphs.context.TurnContext), never from an untyped ``config["configurable"]``
  dict, and no ``_cfg`` helper comes back.
- No pydantic field defaults through a builtin factory (``Field(default_factory=list)``):
  pydantic asks ``inspect.signature`` whether the factory takes the validated data, and a
  builtin's signature is parsed from its text with ``tokenize``, whose pattern compiles at the
  first such field, ~2 ms of a cold start (#14). Pydantic copies a ``[]`` or ``{}`` default
  for each instance, so ``= []`` is the same field.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "layers"
MAX_COMPLEXITY = 15


def _sources() -> list[Path]:
    return sorted(p for p in LAYERS.rglob("*.py") if ".build" not in p.parts)


def _too_complex() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in _sources():
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > MAX_COMPLEXITY:
                found[f"{path.relative_to(LAYERS)}:{block.fullname}"] = block.complexity
    return found


def test_the_sources_are_found() -> None:
    assert len(_sources()) > 100  # a wrong root would make the checks below pass vacuously


def test_no_function_in_layers_is_above_complexity_15() -> None:
    assert _too_complex() == {}


def test_the_complexity_check_catches_a_complex_function() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(MAX_COMPLEXITY + 1))
    [block] = cc_visit(f"def f(x):\n{branches}\n    return -1\n")
    assert block.complexity > MAX_COMPLEXITY


_UNTYPED = re.compile(r"""["']configurable["']|\bdef _cfg\b|\b_cfg\(""")


def _lines_matching(pattern: re.Pattern[str]) -> list[str]:
    """path:line of every source line in layers/ that the pattern finds."""
    return [
        f"{path.relative_to(LAYERS)}:{n}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_graph_reads_an_untyped_configurable_dict() -> None:
    assert _lines_matching(_UNTYPED) == []


_BUILTIN_FACTORY = re.compile(r"\bField\([^)]*default_factory=(list|dict|set|tuple)\b")


def test_no_pydantic_field_defaults_through_a_builtin_factory() -> None:
    assert _lines_matching(_BUILTIN_FACTORY) == []


def test_the_factory_pattern_tells_pydantic_from_dataclasses() -> None:
    assert _BUILTIN_FACTORY.search("tags: list[str] = Field(default_factory=list, max_length=5)")
    assert not _BUILTIN_FACTORY.search("tags: list[str] = field(default_factory=list)")
    assert not _BUILTIN_FACTORY.search("options: TurnOptions = Field(default_factory=TurnOptions)")


def test_a_list_default_is_copied_for_each_instance() -> None:
    from pydantic import BaseModel

    class Tagged(BaseModel):
        tags: list[str] = []

    first, second = Tagged(), Tagged()
    first.tags.append("x")
    assert second.tags == []


def test_the_pattern_catches_the_old_style() -> None:
    assert _UNTYPED.search('config["configurable"]["stream"]')
    assert _UNTYPED.search("def _cfg(config, key):")


@pytest.mark.parametrize(
    ("module", "context"),
    [
        ("portal.agents.graphs.general", "portal.agents.graphs.context:TurnContext"),
        ("portal.agents.graphs.web_search", "portal.agents.graphs.web_search.context:WebSearchContext"),
        ("portal.agents.graphs.multimodal_rag", "portal.agents.graphs.multimodal_rag.context:RagContext"),
        ("portal.agents.graphs.domain", "portal.agents.graphs.domain.context:DomainContext"),
        ("portal.agents.graphs.canvas", "portal.agents.graphs.canvas.context:CanvasContext"),
    ],
    ids=["general", "web_search", "multimodal_rag", "domain", "canvas"],
)
def test_every_graph_declares_its_typed_context(module: str, context: str) -> None:
    from portal.agents.graphs.context import TurnContext

    context_module, name = context.split(":")
    expected = getattr(importlib.import_module(context_module), name)
    graph = importlib.import_module(module).build_graph()
    assert graph.builder.context_schema is expected
    assert issubclass(expected, TurnContext)


def test_the_portal_component_only_composes() -> None:
    # #18: the signed-in screen is hooks (with reducers in web/src/state) and view components;
    # state and its rules creeping back into Portal.tsx is what made it 550 lines once.
    portal = (ROOT / "web" / "src" / "Portal.tsx").read_text(encoding="utf-8")
    assert len(portal.splitlines()) <= 200
    assert not re.search(r"\buse(State|Ref|Callback)\b", portal)  # its own state is a reducer
