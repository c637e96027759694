"""The finished answer of a cited-answer graph (web search, files): text plus what produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from portal.llm.base import Usage
from portal.llm.catalog import CatalogModel

# model: a model wrote it; offline: no model, the sources are listed; the others say why not.
AnswerMode = Literal["model", "offline", "not_configured", "nothing_found"]


@dataclass
class Reply:
    """The finished answer of the graph."""

    text: str
    mode: AnswerMode
    model: CatalogModel | None = None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    fallbacks: list[dict[str, str]] = field(default_factory=list)
    citations: list[dict[str, object]] = field(default_factory=list)
