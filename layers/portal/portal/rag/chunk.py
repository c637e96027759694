"""Chunking: sentence-packed windows sized in tokens, with overlap, that never cross a page.

A chunk stays on one page so its citation is exact, and it carries its section (the last
heading before it), which is also prepended to the text that is embedded. Chunking is
deterministic: the same document always yields the same chunks, which is what makes a
retried ingest an idempotent upsert on (file_id, chunk_index).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from portal.rag.extract import Segment

# Sentence ends: Latin and CJK punctuation followed by space, or a blank line.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n\s*\n")
_RECORD_LINE = re.compile(r" \| |: ")  # table rows ("a | b", "column: value; ...") keep their lines
_WORD = re.compile(r"\S+\s*")


def count_tokens(text: str) -> int:
    """Tokens as subword models count them, approximately: ~4 Latin characters or ~1.5 Hangul per token."""
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return math.ceil(ascii_chars / 4 + (len(text) - ascii_chars) / 1.5)


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    page: int | None
    section: str | None
    token_count: int

    @property
    def embed_text(self) -> str:
        """What the embedding model sees: the section heading gives the passage its context."""
        if self.section and not self.text.startswith(self.section):
            return f"{self.section}\n{self.text}"
        return self.text

    def fingerprint(self, embedding_model: str) -> str:
        """Identity of the stored vector: a resumed ingest skips chunks whose fingerprint is stored."""
        return hashlib.sha256(f"{embedding_model}\n{self.embed_text}".encode()).hexdigest()


def _units(text: str, max_tokens: int) -> list[str]:
    """Sentences, with any sentence longer than a chunk cut at word boundaries."""
    out: list[str] = []
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and all(_RECORD_LINE.search(line) for line in lines):
        sentences = lines
    else:
        # Single line breaks are layout (a PDF's wrapped lines), not sentence ends.
        sentences = _SENTENCE_END.split(re.sub(r"(?<!\n)\n(?!\n)", " ", text))
    for sentence in (s.strip() for s in sentences):
        if not sentence:
            continue
        if count_tokens(sentence) <= max_tokens:
            out.append(sentence)
            continue
        piece = ""
        for word in _WORD.findall(sentence):
            if piece and count_tokens(piece + word) > max_tokens:
                out.append(piece.strip())
                piece = ""
            while count_tokens(word) > max_tokens:  # one "word" longer than a chunk (no spaces)
                cut = max(1, int(len(word) * max_tokens / count_tokens(word)))
                out.append(word[:cut])
                word = word[cut:]
            piece += word
        if piece.strip():
            out.append(piece.strip())
    return out


def chunk_segments(segments: Iterable[Segment], *, size: int, overlap: int) -> list[Chunk]:
    """Pack sentences into chunks of at most `size` tokens, repeating up to `overlap` tokens."""
    if size < 8:
        raise ValueError("chunk size must be at least 8 tokens")
    overlap = max(0, min(overlap, size // 2))
    chunks: list[Chunk] = []
    window: list[tuple[str, int]] = []  # (unit, tokens) of the chunk being filled
    fresh = False  # the window holds something not yet emitted (not only overlap)
    page: int | None = None
    section: str | None = None

    def emit() -> None:
        nonlocal window, fresh
        if fresh and window:
            text = " ".join(u for u, _ in window)
            chunks.append(Chunk(len(chunks), text, page, section, sum(t for _, t in window)))
        # Keep the tail as overlap for the next chunk of the same page and section.
        kept: list[tuple[str, int]] = []
        total = 0
        for unit, tokens in reversed(window):
            if total + tokens > overlap:
                break
            kept.insert(0, (unit, tokens))
            total += tokens
        window, fresh = kept, False

    heading: str | None = None  # a heading nothing has followed yet

    def close_section() -> None:
        nonlocal heading
        emit()
        if heading:  # a title slide or an empty section: the heading is all there is to find
            chunks.append(Chunk(len(chunks), heading, page, section, count_tokens(heading)))
        heading = None

    for segment in segments:
        if segment.page != page or (segment.heading and segment.section != section):
            close_section()
            window = []  # overlap never crosses a page or a section
            page, section = segment.page, segment.section
        elif segment.section != section:
            section = segment.section
        if segment.heading:
            heading = segment.text  # it travels as the chunks' section, not as a chunk of its own
            continue
        heading = None
        for unit in _units(segment.text, size):
            tokens = count_tokens(unit)
            if window and sum(t for _, t in window) + tokens > size:
                emit()
                while window and sum(t for _, t in window) + tokens > size:
                    window.pop(0)  # the overlap must leave room for the new sentence
            window.append((unit, tokens))
            fresh = True
    close_section()
    return chunks
