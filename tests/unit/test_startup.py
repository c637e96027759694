"""Handlers import with the cyclic collector paused, then freeze what they made (portal/startup.py)."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import pytest
from portal.startup import handler_imports

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
HANDLERS = sorted(p for p in FUNCTIONS.rglob("*.py") if p.name != "__init__.py")


def test_the_collector_is_paused_inside_and_what_was_made_is_frozen_after() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        with handler_imports():
            assert not gc.isenabled()
            made = [[] for _ in range(100)]  # objects a module's import would leave behind
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(made)
    finally:
        gc.unfreeze()  # give this test process's objects back to the collector


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with handler_imports():
            pass
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_collector_resumes_when_an_import_fails() -> None:
    try:
        with pytest.raises(ImportError), handler_imports():
            import portal.no_such_module  # type: ignore[import-not-found]  # noqa: F401
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_there_are_handlers_to_check() -> None:
    assert len(HANDLERS) >= 20


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: str(p.relative_to(FUNCTIONS)))
def test_every_handler_imports_inside_handler_imports(path: Path) -> None:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    top_imports = [
        node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
        for node in body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    # Only the annotations' typing and the helper itself are imported before the collector pauses.
    assert set(top_imports) <= {"typing", "portal.startup"}, top_imports
    blocks = [
        node
        for node in body
        if isinstance(node, ast.With)
        and any(
            isinstance(item.context_expr, ast.Call)
            and isinstance(item.context_expr.func, ast.Name)
            and item.context_expr.func.id == "handler_imports"
            for item in node.items
        )
    ]
    assert len(blocks) == 1, "one `with handler_imports():` block holds the handler's imports"
    assert any(
        isinstance(node, ast.ImportFrom) and node.module.startswith("portal.") for node in blocks[0].body
    )
