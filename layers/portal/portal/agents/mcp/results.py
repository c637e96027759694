"""What tool results mean to the user: the sources they cite, and a readable listing of them.

MCP servers return free-form results. Document-lookup servers (regulations, laws, standards)
usually return objects naming a document and a section; those become the answer's
citations. Key names vary between servers, so a few common spellings are recognised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from portal.agents.mcp.client import ToolOutcome

MAX_CITATIONS = 20
_DOCUMENT_KEYS = (
    "document",
    "doc",
    "document_name",
    "source",
    "file",
    "filename",
    "law",
    "standard",
    "title",
)
_SECTION_KEYS = ("article", "section", "clause", "paragraph", "article_no", "provision")
_HEADING_KEYS = ("heading", "article_title", "caption", "title")
_SNIPPET_KEYS = ("snippet", "excerpt", "text", "content", "summary", "body")
_FULL_TEXT_KEYS = ("text", "content", "body")
_SHORT_TEXT = 400  # a whole article this short reads better than its best line
_URL_KEYS = ("url", "uri", "link")
_MAX_DEPTH = 4


def _first(
    item: dict[str, Any], keys: Iterable[str], skip: str | None = None
) -> tuple[str | None, str | None]:
    for key in keys:
        value = item.get(key)
        if key != skip and isinstance(value, str | int) and str(value).strip():
            return key, str(value).strip()
    return None, None


def _records(value: Any, depth: int = 0) -> Iterable[dict[str, Any]]:
    """Every object in a result that names a document (searched a few levels deep)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        if _first(value, _DOCUMENT_KEYS)[1] is not None:
            yield value
        for child in value.values():
            if isinstance(child, dict | list):
                yield from _records(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _records(child, depth + 1)


def structured_of(outcome: ToolOutcome) -> Any:
    """The result's structured content, or its text when that text is JSON."""
    if outcome.structured is not None:
        return outcome.structured
    try:
        return json.loads(outcome.text)
    except (ValueError, TypeError):
        return None


def _citation(item: dict[str, Any], outcome: ToolOutcome) -> dict[str, Any]:
    doc_key, document = _first(item, _DOCUMENT_KEYS)
    _, section = _first(item, _SECTION_KEYS)
    _, heading = _first(item, _HEADING_KEYS, skip=doc_key)
    _, url = _first(item, _URL_KEYS)
    citation: dict[str, Any] = {"document": document, "server": outcome.server, "tool": outcome.tool}
    if section:
        citation["section"] = section
    if heading:
        citation["heading"] = heading
    if url:
        citation["url"] = url
    return citation


def citations(outcomes: Iterable[ToolOutcome]) -> list[dict[str, Any]]:
    """Documents (and sections) the successful tool calls returned, first seen first, without repeats."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for outcome in outcomes:
        if not outcome.ok:
            continue
        for item in _records(structured_of(outcome)):
            citation = _citation(item, outcome)
            key = (citation["document"], citation.get("section", ""))
            if key in seen:
                continue
            seen.add(key)
            found.append(citation)
            if len(found) >= MAX_CITATIONS:
                return found
    return found


def render(outcome: ToolOutcome, *, limit: int = 4000) -> str:
    """A tool result as Markdown for a reader: one bullet per document hit, else the raw text."""
    items = list(_records(structured_of(outcome)))
    if not items:
        text = outcome.text.strip()
        return text if len(text) <= limit else text[:limit] + "…"
    lines = []
    for item in items[:10]:
        cite = _citation(item, outcome)
        title = " ".join(p for p in (cite["document"], cite.get("section")) if p)
        line = f"- **{title}**"
        if cite.get("heading"):
            line += f" ({cite['heading']})"
        _, snippet = _first(item, _SNIPPET_KEYS)
        _, full = _first(item, _FULL_TEXT_KEYS)
        if full and len(full) <= _SHORT_TEXT:
            snippet = full
        if snippet:
            flat = " ".join(snippet.split())
            line += f": {flat[:_SHORT_TEXT]}{'…' if len(flat) > _SHORT_TEXT else ''}"
        lines.append(line)
    return "\n".join(lines)
