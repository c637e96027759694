"""Profile signals after each turn (the seed's profile_collection_logs), unless the user opted out,
and their summary in users.profile_data, which the general and domain workers' prompts use.

The summary is recomputed from the user's latest signals after each recorded turn: the topics
they ask about most, the agents they use, the language they write in. It is plain data the
user can read and delete (GET/DELETE /api/me/profile); opting out stops both collection and use.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

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
    stored = profile_logs.add_turn_signals(db, empno=empno, turn_id=turn_id, data=data, confidence=confidence)
    if stored:
        summarise(db, empno=empno)
    return stored


SUMMARY_SIGNALS = 200  # the latest turns a summary is made of
SUMMARY_TOPICS = 8


def summarise(db: Executor, *, empno: str) -> dict[str, Any]:
    """Fold the user's latest signals into users.profile_data (and mark them processed)."""
    signals = profile_logs.latest(db, empno=empno, limit=SUMMARY_SIGNALS)
    if not signals:
        return {}
    topic_counts: Counter[str] = Counter()
    agents: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for s in signals:
        topic_counts.update(str(t) for t in s.get("topics") or [])
        if s.get("agent"):
            agents[str(s["agent"])] += 1
        if s.get("language"):
            languages[str(s["language"])] += 1
    summary = {
        "topics": [t for t, n in topic_counts.most_common(SUMMARY_TOPICS) if n >= 2 or len(signals) < 5],
        "agents": [a for a, _ in agents.most_common(3)],
        "language": languages.most_common(1)[0][0] if languages else "ko",
        "turns": len(signals),
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    profile_logs.save_summary(db, empno=empno, summary=summary)
    return summary


def profile_summary(profile: dict[str, Any]) -> str | None:
    """One line for a system prompt from users.profile_data (None when nothing is known)."""
    topics = [str(t) for t in profile.get("topics") or []][:SUMMARY_TOPICS]
    if not topics:
        return None
    language = "Korean" if profile.get("language", "ko") == "ko" else "English"
    return (
        f"From earlier conversations: the user often asks about {', '.join(topics)}, and usually writes in "
        f"{language}. Use this only to pick relevant examples and terms; never mention that you know it."
    )
