"""Text helpers shared by workers and graphs."""

from __future__ import annotations


def is_korean(text: str) -> bool:
    """True when the text contains a Hangul syllable (answer in Korean then).

    Not a regex: `re` compiles a range of ~11,000 code points by setting each in a table, ~1 ms
    of the cold start of every worker and research step that imports this (#14); the texts are
    questions and requests, and Korean ones hold a syllable within their first few characters.
    """
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
