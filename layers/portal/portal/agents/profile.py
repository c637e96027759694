"""Profile signals after each turn (the seed's profile_collection_logs), unless the user opted out."""

from __future__ import annotations

import re
from collections import Counter

from portal.agents.workers.prompts import is_korean
from portal.db.executor import Executor
from portal.db.repositories import profile_logs

_WORD = re.compile(r"[\uac00-\ud7a3]{2,}|[A-Za-z][A-Za-z0-9+#.-]{3,}")
# Korean particles/endings that would otherwise dominate the counts.
_KO_SUFFIXES = (
    "에서",
    "으로",
    "에게",
    "까지",
    "부터",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "로",
    "와",
    "과",
    "도",
    "만",
)
_STOPWORDS = {
    "해줘",
    "알려줘",
    "주세요",
    "있나요",
    "어떻게",
    "무엇",
    "그리고",
    "please",
    "what",
    "that",
    "this",
    "with",
    "about",
    "from",
    "have",
    "could",
    "would",
    "should",
    "there",
    "which",
}


def _stem(word: str) -> str:
    for suffix in _KO_SUFFIXES:
        if len(word) > len(suffix) + 1 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word.lower()


def topics(text: str, limit: int = 5) -> list[str]:
    """The most repeated content words of a message (a rough topic signal, offline)."""
    words = [_stem(w) for w in _WORD.findall(text)]
    counts = Counter(w for w in words if w not in _STOPWORDS and len(w) >= 2)
    return [w for w, _ in counts.most_common(limit)]


def record_turn(
    db: Executor, *, empno: str, turn_id: str, question: str, agent: str, model: str | None, collect: bool
) -> bool:
    """Store this turn's signals once (keyed by turn id); False when opted out or already stored."""
    if not collect:
        return False
    found = topics(question)
    data = {
        "turn_id": turn_id,
        "language": "ko" if is_korean(question) else "en",
        "topics": found,
        "agent": agent,
        "model": model,
    }
    # More content words -> a more reliable topic signal; language and agent alone are weak.
    confidence = round(min(0.9, 0.3 + 0.12 * len(found)), 2)
    return profile_logs.add_turn_signals(db, empno=empno, turn_id=turn_id, data=data, confidence=confidence)
