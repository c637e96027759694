"""Which language a question or a document is written in, as retrieval needs to know it.

Retrieval only needs to tell Korean from the rest: Korean text goes through the morpheme
analyser, the local embedder reads Latin script far better than Hangul, and a question asked
in one language over a document in the other is what the cross-lingual rewrite is for. So the
answer is the share of Hangul among the letters, not a general language identifier.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["ko", "en"]

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# A Korean sentence quoting an English command ("xz -t 옵션이 뭐야?") is still Korean.
KOREAN_THRESHOLD = 0.3


def hangul_share(text: str) -> float:
    """Share of Hangul among the letters of a text (0.0 when it has none)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _HANGUL.match(ch)) / len(letters)


def language_of(text: str) -> Language:
    """ "ko" when at least 30% of the letters are Hangul, else "en" (Latin script and the rest)."""
    return "ko" if hangul_share(text) >= KOREAN_THRESHOLD else "en"
