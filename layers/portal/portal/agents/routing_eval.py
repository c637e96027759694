"""Measure the routing classifier on labelled JSONL: accuracy, per-agent recall/precision, confusion."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.agents.classifier import AGENTS, Classification, classify

Classifier = Callable[..., Classification]

# Column labels for the confusion matrix: agent names are too wide for a terminal table.
_SHORT = {
    "general": "gen",
    "web_search": "web",
    "multimodal_rag": "rag",
    "canvas": "canv",
    "deep_research": "deep",
    "regulations": "reg",
    "legal": "legal",
    "accounting": "acct",
    "tax": "tax",
}
_MAX_ERRORS_SHOWN = 25


class RoutingDataError(ValueError):
    """A labelled line is malformed; the message names the line."""


@dataclass(frozen=True)
class RoutingCase:
    """One labelled message."""

    line: int
    text: str
    agent: str
    attachments: tuple[str, ...] = ()
    previous_agent: str | None = None


@dataclass(frozen=True)
class Misroute:
    line: int
    text: str
    expected: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class AgentStats:
    support: int  # labelled with this agent
    predicted: int  # routed to this agent
    correct: int

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0


@dataclass
class RoutingReport:
    """Everything `portal eval routing` prints."""

    n: int
    correct: int
    per_agent: dict[str, AgentStats]
    confusion: dict[str, dict[str, int]]  # expected -> predicted -> count
    errors: list[Misroute] = field(default_factory=list)
    unsure: int = 0  # cases below the classifier's confidence threshold
    unsure_correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def per_agent_recall(self) -> dict[str, float]:
        return {a: round(s.recall, 4) for a, s in self.per_agent.items() if s.support}

    @property
    def sure_accuracy(self) -> float:
        """Accuracy on the cases the classifier was confident about (no LLM call needed)."""
        sure = self.n - self.unsure
        return (self.correct - self.unsure_correct) / sure if sure else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable summary (`--json`)."""
        return {
            "accuracy": round(self.accuracy, 4),
            "per_agent_recall": self.per_agent_recall,
            "confusion": {gold: dict(row) for gold, row in self.confusion.items()},
            "n": self.n,
        }


def parse_case(raw: str | Mapping[str, Any], line: int) -> RoutingCase | None:
    """Validate one JSONL line (or an already-decoded object); blank lines give None."""
    if isinstance(raw, str):
        if not raw.strip():
            return None
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RoutingDataError(f"line {line}: not valid JSON ({exc.msg})") from exc
    if not isinstance(raw, Mapping):
        raise RoutingDataError(f"line {line}: expected an object with 'text' and 'agent'")
    text, agent = raw.get("text"), raw.get("agent")
    if not isinstance(text, str) or not text.strip():
        raise RoutingDataError(f"line {line}: 'text' must be a non-empty string")
    if agent not in AGENTS:
        raise RoutingDataError(f"line {line}: unknown agent {agent!r}; expected one of {', '.join(AGENTS)}")
    attachments = raw.get("attachments") or []
    if not isinstance(attachments, list) or not all(isinstance(a, str) for a in attachments):
        raise RoutingDataError(f"line {line}: 'attachments' must be a list of file names")
    previous = raw.get("previous_agent")
    if previous is not None and previous not in AGENTS:
        raise RoutingDataError(f"line {line}: unknown previous_agent {previous!r}")
    return RoutingCase(line, text, str(agent), tuple(attachments), previous)


def evaluate(lines: Iterable[str | Mapping[str, Any]], *, classifier: Classifier = classify) -> RoutingReport:
    """Classify every labelled line and tally the results. Raises RoutingDataError on bad input."""
    cases = [c for i, raw in enumerate(lines, start=1) if (c := parse_case(raw, i)) is not None]
    if not cases:
        raise RoutingDataError("no labelled lines")
    confusion: dict[str, dict[str, int]] = {}
    support = dict.fromkeys(AGENTS, 0)
    predicted = dict.fromkeys(AGENTS, 0)
    hits = dict.fromkeys(AGENTS, 0)
    errors: list[Misroute] = []
    unsure = unsure_correct = 0
    for case in cases:
        result = classifier(case.text, attachments=case.attachments, previous_agent=case.previous_agent)
        row = confusion.setdefault(case.agent, {})
        row[result.agent] = row.get(result.agent, 0) + 1
        support[case.agent] += 1
        predicted[result.agent] = predicted.get(result.agent, 0) + 1
        ok = result.agent == case.agent
        hits[case.agent] += ok
        if result.unsure:
            unsure += 1
            unsure_correct += ok
        if not ok:
            errors.append(Misroute(case.line, case.text, case.agent, result.agent, result.confidence))
    per_agent = {
        a: AgentStats(support[a], predicted.get(a, 0), hits[a])
        for a in AGENTS
        if support[a] or predicted.get(a)
    }
    return RoutingReport(
        n=len(cases),
        correct=sum(hits.values()),
        per_agent=per_agent,
        confusion=confusion,
        errors=errors,
        unsure=unsure,
        unsure_correct=unsure_correct,
    )


def render_table(report: RoutingReport) -> str:
    """Human-readable report: summary, per-agent table, confusion matrix, misroutes."""
    out = [
        f"accuracy {report.accuracy:.3f} ({report.correct}/{report.n})",
        f"unsure   {report.unsure}/{report.n} below threshold; accuracy when sure {report.sure_accuracy:.3f}",
        "",
        f"{'agent':<16}{'n':>5}{'recall':>9}{'precision':>11}",
    ]
    for agent, stats in report.per_agent.items():
        out.append(f"{agent:<16}{stats.support:>5}{stats.recall:>9.3f}{stats.precision:>11.3f}")
    agents = [a for a in AGENTS if a in report.per_agent]
    out += ["", "confusion (rows = expected, columns = predicted)"]
    out.append(f"{'':<16}" + "".join(f"{_SHORT[a]:>6}" for a in agents))
    for gold in agents:
        row = report.confusion.get(gold, {})
        cells = "".join(f"{(row.get(p) or '.')!s:>6}" for p in agents)
        out.append(f"{gold:<16}{cells}")
    if report.errors:
        out += ["", f"misroutes ({len(report.errors)})"]
        for e in report.errors[:_MAX_ERRORS_SHOWN]:
            text = e.text if len(e.text) <= 60 else e.text[:59] + "…"
            out.append(f"  line {e.line}: {e.expected} → {e.predicted} ({e.confidence:.2f}) {text}")
        if len(report.errors) > _MAX_ERRORS_SHOWN:
            out.append(f"  … {len(report.errors) - _MAX_ERRORS_SHOWN} more")
    return "\n".join(out)
