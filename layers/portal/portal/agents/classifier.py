"""Rule-based intent classifier: picks the worker agent for a chat message without an LLM.

The supervisor calls ``classify`` first and only pays for an LLM intent call when the
result is ``unsure`` (confidence below ``UNSURE_BELOW``). Evidence is a weighted sum of
lexicon cues (see ``routing_lexicon``), attachment and conversation priors; a softmax over
the candidate agents turns it into a confidence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from portal.agents import routing_lexicon as lx

AGENTS = lx.AGENTS
GENERAL = lx.GENERAL
# Below this the supervisor should ask an LLM; routing_eval reports how well it separates.
UNSURE_BELOW = 0.55
# Softmax temperature over evidence points: ~3 points of margin over everything else gives
# ~0.7, one weak cue alone stays unsure. Tuned on dev + extra sets for calibration.
TEMPERATURE = 1.0
# Each further cue for the same agent counts this much less than the previous one.
CUE_DECAY = 0.85
_MAX_REASON_KEYWORDS = 4
_RUNNERS_UP = 3

_SPACES = re.compile(r"\s+")
_MASK = "\x00"


def _has_hangul(text: str) -> bool:
    """Whether the text holds a Hangul jamo or syllable.

    Not a regex: `re` compiles a character range this wide by setting each of its ~11,000 code
    points in a table, ~1 ms of the cold start of every function that classifies (#14), and the
    texts tested here are cue patterns and combo parts of a few characters.
    """
    return any("\u3131" <= ch <= "\u318e" or "\uac00" <= ch <= "\ud7a3" for ch in text)


@dataclass(frozen=True)
class Classification:
    """The routing decision: chosen agent, calibrated confidence and why."""

    agent: str
    confidence: float
    reason: str
    runners_up: list[tuple[str, float]] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # raw evidence points per agent
    # The top confidence had every agent been a candidate (None: every agent was one). Restricting
    # the candidates renormalises the scores and would make a message with no cues look confident.
    confidence_over_all: float | None = None

    @property
    def unsure(self) -> bool:
        """True when the supervisor should confirm with an LLM intent call."""
        return self.confidence < UNSURE_BELOW

    @property
    def unsure_over_all(self) -> bool:
        """Unsure among the candidates or, had every agent been one, among all of them."""
        over_all = self.confidence if self.confidence_over_all is None else self.confidence_over_all
        return self.unsure or over_all < UNSURE_BELOW

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (CLI, logs, traces)."""
        return {
            "agent": self.agent,
            "confidence": round(self.confidence, 4),
            "unsure": self.unsure,
            "reason": self.reason,
            "runners_up": [[agent, round(p, 4)] for agent, p in self.runners_up],
        }


class _Cue:
    """One lexicon pattern with its weights per agent; its regex is compiled once a message needs it.

    A class with slots, not a frozen dataclass: ~1,700 are built at import, and a frozen
    dataclass's __init__ (object.__setattr__ per field) made that ~1 ms slower (#14).
    """

    __slots__ = ("_regex", "anchored", "key", "probe", "weights")

    def __init__(self, weights: tuple[tuple[str, float], ...], key: str, anchored: bool, probe: str) -> None:
        self.weights = weights
        self.key = key  # the lexicon pattern, lower-cased, without its "^" anchor
        self.anchored = anchored  # "^": a Korean cue that must open a word
        self.probe = probe  # the pattern without spaces: a cheap pre-test on the whitespace-free message
        self._regex: re.Pattern[str] | None = None

    @property
    def source(self) -> str:
        """The regex matched (and masked) on the spaced, lower-cased message."""
        if _has_hangul(self.key):
            return _hangul_regex(self.probe, anchored=self.anchored)
        return _ascii_regex(self.key)

    @property
    def regex(self) -> re.Pattern[str]:
        # Written and compiled the first time a message passes the probe: compiling all ~1,700
        # cues at import took ~0.2-0.4 s of every supervisor's and research step's cold start,
        # writing their sources (an re.escape per Korean character) another ~3 ms, and a
        # message passes the probe of a few dozen at most.
        if self._regex is None:
            self._regex = re.compile(self.source)
        return self._regex


def _ascii_regex(pattern: str) -> str:
    """Word-bounded match with a light English inflection; trailing * = prefix."""
    if pattern.endswith("*"):
        body = re.escape(pattern[:-1]) + r"[a-z]*"
    else:
        body = re.escape(pattern) + r"(?:s|es|ed|d|ing|ly)?"
    # ASCII-only boundaries: Hangul counts as \w in Python, and "PDF에서" must still match "pdf".
    return r"(?<![a-z0-9])" + body + r"(?![a-z0-9])"


def _hangul_regex(compact: str, *, anchored: bool) -> str:
    """Korean phrase, particles allowed after it.

    Three or more characters may be spread over words ("사내 규정" = "사내규정"); a
    two-syllable noun must sit inside one word, so "예제 보여줘" does not contain "제보".
    """
    joiner = r"\s?" if len(compact) >= 3 else ""
    body = joiner.join(re.escape(ch) for ch in compact)
    return (r"(?<!\w)" if anchored else "") + body


def _compile_cues() -> tuple[_Cue, ...]:
    cues = []
    for pattern, weights in lx.build_lexicon().items():
        key = pattern.lower()
        anchored = key.startswith("^")
        key = key.lstrip("^")
        compact = "".join(key.split()).rstrip("*")  # str.split, not _SPACES: ~0.4 ms of 1,700 (#14)
        cues.append(_Cue(weights=tuple(weights.items()), key=key, anchored=anchored, probe=compact))
    # Longest first, so a specific phrase consumes the text before its shorter stems.
    cues.sort(key=lambda c: (-len(c.probe), c.probe))
    return tuple(cues)


_COMPILED = _compile_cues()


@cache
def _follow_up_patterns() -> tuple[re.Pattern[str], ...]:
    """Follow-up phrases open a word ("그럼", "거기서"), so "선거 기간" is not "거기".

    Compiled at the first message with a previous agent (~30 patterns, ~1 ms): the research
    Plan step classifies without one, so its cold start does not pay for them (#14).
    """
    return tuple(
        re.compile(_hangul_regex(c, anchored=True) if _has_hangul(c) else _ascii_regex(c))
        for c in lx.FOLLOW_UP_CUES
    )


_READABLE_EXTENSIONS = lx.DOCUMENT_EXTENSIONS | lx.IMAGE_EXTENSIONS
_TOKEN_STRIP = ".,!?;:\"'()[]{}<>“”‘’·…"


def _normalise(text: str) -> tuple[str, str]:
    """Return (spaced, compact) lower-case forms of the message."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    spaced = _SPACES.sub(" ", text).strip()
    return spaced, spaced.replace(" ", "")


_CANVAS_REQUEST_HANGUL = tuple(_SPACES.sub("", c) for c in lx.CANVAS_REQUEST_CUES if _has_hangul(c))
_CANVAS_REQUEST_ASCII = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(c) for c in lx.CANVAS_REQUEST_CUES if not _has_hangul(c)) + r")"
)


def _asks_to_produce(spaced: str, compact: str) -> bool:
    """Does the message ask for something to be created or edited (Canvas's job)?"""
    return any(c in compact for c in _CANVAS_REQUEST_HANGUL) or bool(_CANVAS_REQUEST_ASCII.search(spaced))


def _part_present(part: str, spaced: str, compact: str) -> bool:
    return part in compact if _has_hangul(part) else part in spaced


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _match_cues(spaced: str, compact: str) -> tuple[dict[str, list[tuple[str, float]]], dict[str, float]]:
    """Collect cue hits per agent; each matched phrase masks its text for shorter cues."""
    hits: dict[str, list[tuple[str, float]]] = {agent: [] for agent in AGENTS}
    penalties: dict[str, float] = dict.fromkeys(AGENTS, 0.0)
    for cue in _COMPILED:
        if cue.probe not in compact:
            continue
        spaced, count = cue.regex.subn(lambda m: _MASK * len(m.group()), spaced)
        if not count:
            continue
        for agent, weight in cue.weights:
            if weight > 0:
                hits[agent].append((cue.probe, weight))
            else:
                penalties[agent] += weight
    return hits, penalties


_Hits = dict[str, list[tuple[str, float]]]


def _evidence(hits: list[tuple[str, float]]) -> float:
    """Sum cue weights with diminishing returns: synonyms piling up are not independent."""
    weights = sorted((w for _, w in hits), reverse=True)
    return sum(w * CUE_DECAY**i for i, w in enumerate(weights))


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exps = {agent: math.exp((s - top) / TEMPERATURE) for agent, s in scores.items()}
    total = sum(exps.values())
    return {agent: e / total for agent, e in exps.items()}


def _keywords(hits: list[tuple[str, float]]) -> str:
    return ", ".join(p for p, _ in sorted(hits, key=lambda h: -h[1])[:_MAX_REASON_KEYWORDS])


def _reason(
    agent: str, hits: dict[str, list[tuple[str, float]]], notes: list[str], blocked: str | None
) -> str:
    """One readable line: the cues behind the choice, the priors, and a blocked better match."""
    if hits[agent]:
        reason = f"keywords: {_keywords(hits[agent])} → {agent}"
    elif agent == GENERAL:
        reason = "no cues for an allowed agent → general" if blocked else "no domain cues → general"
    else:
        reason = f"context → {agent}"
    if notes:
        reason += f" ({'; '.join(notes)})"
    if blocked:
        cues = f" (keywords: {_keywords(hits[blocked])})" if hits[blocked] else ""
        reason = f"{blocked} not allowed{cues}; {reason}"
    return reason


def _add_combos(spaced: str, compact: str, hits: _Hits, penalties: dict[str, float]) -> None:
    """Cue combinations (every part present) add their weights like single cues."""
    for parts, weights in lx.COMBOS:
        if all(_part_present(p.lower(), spaced, compact) for p in parts):
            for agent, weight in weights.items():
                if weight > 0:
                    hits[agent].append(("+".join(parts), weight))
                else:
                    penalties[agent] += weight


def _damp_canvas(scores: dict[str, float], notes: list[str], spaced: str, compact: str) -> None:
    """A mention of the workspace or a document is not a request to produce one."""
    if scores[lx.CANVAS] > 0 and not _asks_to_produce(spaced, compact):
        scores[lx.CANVAS] *= lx.CANVAS_MENTION_FACTOR
        notes.append("no create/edit request: canvas damped")


def _attachment_prior(
    scores: dict[str, float], notes: list[str], hits: _Hits, spaced: str, attachments: Sequence[str]
) -> None:
    """Readable attachments pull towards the files agent, more when the message points at them."""
    readable = [a for a in attachments if _extension(a) in _READABLE_EXTENSIONS]
    if not readable:
        return
    scores[lx.MULTIMODAL_RAG] += lx.ATTACHMENT_PRIOR
    tokens = {t.strip(_TOKEN_STRIP) for t in spaced.split(" ")}
    if hits[lx.MULTIMODAL_RAG] or tokens & lx.DEICTIC_WORDS:
        scores[lx.MULTIMODAL_RAG] += lx.ATTACHMENT_REFERENCE_BONUS
    notes.append("attachment: " + ", ".join(readable[:2]) + (" …" if len(readable) > 2 else ""))


def _previous_prior(
    scores: dict[str, float], notes: list[str], spaced: str, compact: str, previous_agent: str | None
) -> None:
    """The conversation's previous agent is likelier, a follow-up or a short message more so."""
    if previous_agent is None or previous_agent not in scores:
        return
    follow_up = any(regex.search(spaced) for regex in _follow_up_patterns())
    prior = lx.FOLLOW_UP_PRIOR if follow_up else lx.PREVIOUS_AGENT_PRIOR
    if len(compact) <= lx.SHORT_MESSAGE_CHARS:
        prior += lx.SHORT_MESSAGE_PRIOR
    scores[previous_agent] += prior
    notes.append(f"{'follow-up of' if follow_up else 'previous'} {previous_agent}")


def _confidence_over_all(scores: dict[str, float]) -> float:
    """The winner's confidence had every agent been allowed (the same evidence, one run)."""
    return max(_softmax({a: max(0.0, s) for a, s in scores.items()}).values())


def classify(
    text: str,
    *,
    attachments: Sequence[str] = (),
    previous_agent: str | None = None,
    allowed: Collection[str] | None = None,
) -> Classification:
    """Route one chat message to a worker agent."""
    spaced, compact = _normalise(text)
    hits, penalties = _match_cues(spaced, compact)
    _add_combos(spaced, compact, hits, penalties)
    scores = {agent: _evidence(hits[agent]) + penalties[agent] for agent in AGENTS}
    notes: list[str] = []
    _damp_canvas(scores, notes, spaced, compact)
    _attachment_prior(scores, notes, hits, spaced, attachments)
    _previous_prior(scores, notes, spaced, compact, previous_agent)

    scores[GENERAL] += lx.GENERAL_BASELINE
    candidates = set(AGENTS) if allowed is None else ({GENERAL} | (set(allowed) & set(AGENTS)))
    evidence = {a: max(0.0, s) for a, s in scores.items() if a in candidates}
    probs = _softmax(evidence)
    # On a tie a domain cue beats the general baseline: it is the only evidence there is.
    order = sorted(probs, key=lambda a: (-probs[a], a == GENERAL, AGENTS.index(a)))
    agent = order[0]

    best = max(scores, key=lambda a: (scores[a], a != GENERAL))
    reason = _reason(agent, hits, notes, blocked=best if best not in candidates else None)
    runners_up = [(a, probs[a]) for a in order[1 : 1 + _RUNNERS_UP] if probs[a] >= 0.01]
    return Classification(
        agent=agent,
        confidence=probs[agent],
        reason=reason,
        runners_up=runners_up,
        scores={a: round(s, 3) for a, s in scores.items() if s},
        confidence_over_all=None if allowed is None else _confidence_over_all(scores),
    )
