"""Where a search's words occur in a hit's text, as a short snippet split into plain and hit parts.

The index matches stems as character bigrams (portal.rag.tokens); a reader wants to see the
words. So the query's words are reduced the same way (Korean particles and endings dropped:
"부가가치세를" -> "부가가치세"), found case-insensitively in the text, and, where a stem is not
found whole (the bigrams met apart), its bigrams are marked instead. Parts, not offsets, go to
the browser: Python counts code points and JavaScript UTF-16 units, which differ for emoji.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel

from portal.rag.korean import stem as korean_stem

_WORD = re.compile(r"[\uac00-\ud7a3]+|[^\W_]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
SNIPPET_CHARS = 160
_LEAD_CHARS = 40  # context shown before the first hit


class Part(BaseModel):
    text: str
    hit: bool = False


def terms(query: str) -> list[str]:
    """The strings to mark for a query: Korean stems and lower-cased other words, longest first."""
    found: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", query)):
        term = korean_stem(word) if _HANGUL.fullmatch(word) else word.lower()
        if term and term not in found:
            found.append(term)
    return sorted(found, key=len, reverse=True)


def _spans(text: str, query_terms: list[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in query_terms:
        pieces = [term]
        if term not in lowered and _HANGUL.fullmatch(term) and len(term) > 2:
            pieces = [term[i : i + 2] for i in range(len(term) - 1)]
        for piece in pieces:
            spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(piece), lowered))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, query: str, *, width: int = SNIPPET_CHARS) -> list[Part]:
    """A window of `text` around its first hit (its start when there is none), split into parts."""
    # lower() keeps the length of Hangul and Latin text, so offsets in the lowered copy fit.
    text = " ".join(unicodedata.normalize("NFC", text).split())
    spans = _spans(text, terms(query)) if len(text.lower()) == len(text) else []
    start = max(0, spans[0][0] - _LEAD_CHARS) if spans else 0
    end = min(len(text), start + width)
    parts: list[Part] = [Part(text="…")] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > cursor:
            parts.append(Part(text=text[cursor:s]))
        parts.append(Part(text=text[s:e], hit=True))
        cursor = e
    if cursor < end:
        parts.append(Part(text=text[cursor:end]))
    if end < len(text):
        parts.append(Part(text="…"))
    return parts
