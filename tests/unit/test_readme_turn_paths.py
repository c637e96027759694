"""The README's "One chat turn" names a real file for each step (a renamed module fails here)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "portal" / "portal"


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## One chat turn")
    return text[start : text.index("\n## ", start + 1)]


def test_every_file_the_turn_walkthrough_names_exists() -> None:
    section = _section()
    named = re.findall(r"`([\w./<>-]+\.(?:py|json))`", section)
    assert len(named) >= 20, named
    missing = []
    for path in named:
        if "<" in path:  # a pattern such as agents/workers/<agent>.py: its folder must exist
            path = path.split("<", 1)[0]
        if "/" not in path:  # a graph's own module (context.py, nodes.py): in the graph folders
            if not any((graph / path).exists() for graph in (PACKAGE / "agents" / "graphs").glob("*/")):
                missing.append(path)
        elif not any((base / path).exists() for base in (ROOT, PACKAGE)):
            missing.append(path)
    assert missing == []
    # and every step names at least one file
    steps = re.split(r"\n\d\. ", section)[1:]
    assert len(steps) == 5 and all(re.search(r"`[\w./<>-]+\.(?:py|json)`", step) for step in steps)
