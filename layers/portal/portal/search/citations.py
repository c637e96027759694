"""Numbered sources for a cited answer: what the model reads, what the answer cites, the footer.

The model is told to cite sources as [1], [2]; the worker then appends the list of cited
sources itself, so every answer ends with its URLs even when the model forgets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel

_MARKER = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")


class Source(BaseModel):
    """A numbered source the answer may cite: a web page or a passage of the user's file."""

    index: int
    title: str
    url: str | None = None
    snippet: str = ""
    excerpt: str = ""  # text read from the page or file (may be empty)
    kind: Literal["web", "file"] = "web"
    file_id: str | None = None
    published_at: str | None = None

    def citation(self) -> dict[str, object]:
        """The shape stored in the message's metadata (the UI renders url/title)."""
        found: dict[str, object] = {"index": self.index, "url": self.url, "title": self.title}
        if self.kind == "file":
            found["kind"] = "file"
            found["file_id"] = self.file_id
        if self.snippet:
            found["snippet"] = self.snippet[:300]
        return found


def prompt_block(sources: Sequence[Source], *, excerpt_chars: int) -> str:
    """The sources as the model reads them, each under its number."""
    blocks = []
    for s in sources:
        lines = [f"[{s.index}] {s.title}"]
        if s.url:
            lines.append(f"URL: {s.url}")
        if s.kind == "file":
            lines.append("(the user's uploaded file)")
        if s.published_at:
            lines.append(f"Published: {s.published_at}")
        if s.snippet:
            lines.append(f"Snippet: {s.snippet}")
        if s.excerpt:
            lines.append(f"Excerpt: {s.excerpt[:excerpt_chars]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def cited_indexes(text: str, count: int) -> list[int]:
    """Source numbers the text cites ([1], [2, 3]), in first-cited order, within 1..count."""
    seen: dict[int, None] = {}
    for match in _MARKER.finditer(text):
        for part in match.group(1).split(","):
            n = int(part)
            if 1 <= n <= count:
                seen.setdefault(n, None)
    return list(seen)


def citations_for(text: str, sources: Sequence[Source]) -> list[dict[str, object]]:
    """The cited sources in number order; every source when the text cites none."""
    cited = set(cited_indexes(text, len(sources)))
    chosen = [s for s in sources if s.index in cited] if cited else list(sources)
    return [s.citation() for s in chosen]


def footer(citations: Iterable[dict[str, object]], *, korean: bool) -> str:
    """The "Sources" list appended to an answer: one line per source with its URL."""
    lines = ["", "", "출처:" if korean else "Sources:"]
    for c in citations:
        where = c.get("url") or ("업로드한 파일" if korean else "your uploaded file")
        lines.append(f"[{c['index']}] {c['title']} — {where}")
    return "\n".join(lines)
