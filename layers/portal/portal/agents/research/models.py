"""The plan and the gap report of the research state machine, and the model usage they carry.

Everything that travels through the state stays small: a Standard execution's state is
limited to 256 KB, so page text lives in S3 (store.py) and the state carries summaries
(findings.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# What each query found is in findings.py: the Plan step never reads it, and creating those
# classes (even with defer_build) took ~3 ms of its cold start (#14). GapReport is built at
# first use (defer_build): the Plan step does not validate one.


class StepUsage(BaseModel):
    """Tokens and cost a step spent on models (summed into the final answer)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    model: str | None = None

    def plus(self, other: StepUsage) -> StepUsage:
        """Both steps' usage together (the later model wins the label)."""
        return StepUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=round(self.cost_usd + other.cost_usd, 6),
            model=other.model or self.model,
        )


class SearchPlan(BaseModel):
    """The seed's SearchPlan: what to search for, what is missing, which agent fits best."""

    intent: str
    context: str = ""
    queries: list[str]
    info_gaps: list[str] = []
    recommended_agent: str = "deep_research"
    recommended_reason: str = ""
    recommended_confidence: float = 0.0
    planned_by: Literal["model", "rules"] = "rules"
    usage: StepUsage = Field(default_factory=StepUsage)


class GapReport(BaseModel):
    """What the first round left open, and the follow-up queries (at most one more round)."""

    model_config = ConfigDict(defer_build=True)

    info_gaps: list[str] = []
    queries: list[str] = []
    analysed_by: Literal["model", "rules"] = "rules"
    usage: StepUsage = Field(default_factory=StepUsage)
