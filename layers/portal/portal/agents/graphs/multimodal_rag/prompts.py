"""The multimodal_rag graph's instructions for the model, and the excerpts as it reads them."""

from __future__ import annotations

from portal.rag.retrieve import Passage

EXCERPT_CHARS = 1_500  # of each passage, in the model's prompt and the offline listing

ANSWER_SYSTEM = """You are the company's AI assistant answering questions about the user's own uploaded files.

Rules:
- Answer only from the numbered excerpts below. Cite each statement right after it with the excerpt number in square brackets, e.g. [1] or [2][3].
- If the excerpts do not contain the answer, say so plainly; never guess or use outside knowledge for facts about the documents.
- Quote numbers, dates and names exactly as the excerpts give them.
- Answer in the language the user writes in (most users write Korean; use polite 존댓말). Be concise.

Excerpts from the user's files:
{excerpts}
"""


def excerpts_block(passages: list[Passage]) -> str:
    """The numbered excerpts as the model reads them."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        head = f"[{n}] {p.name}" + (f", page {p.page}" if p.page is not None else "")
        source = p.source(korean=False)
        if source:
            head += f" (owner: {source})"
        if p.section:
            head += f" — {p.section}"
        blocks.append(f"{head}\n{p.content[:EXCERPT_CHARS]}")
    return "\n\n".join(blocks)
