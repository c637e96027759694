"""Text helpers shared by workers and graphs."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def is_korean(text: str) -> bool:
    """True when the text contains Hangul (answer in Korean then)."""
    return bool(_HANGUL.search(text))
