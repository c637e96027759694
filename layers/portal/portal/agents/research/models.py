"""The payloads of the research state machine (pydantic at every boundary).

Everything that travels through the state stays small: a Standard execution's state is
limited to 256 KB, so page text lives in S3 (store.py) and the state carries summaries.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

WebStatus = Literal["ok", "empty", "failed", "not_configured"]
FilesStatus = Literal["ok", "empty", "failed", "not_available"]

# Each step validates only some of these: those the Plan step does not use are built at first
# use (defer_build) rather than at import, ~1 ms each of every step's cold start (#14).


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
    info_gaps: list[str] = Field(default_factory=list)
    recommended_agent: str = "deep_research"
    recommended_reason: str = ""
    recommended_confidence: float = 0.0
    planned_by: Literal["model", "rules"] = "rules"
    usage: StepUsage = Field(default_factory=StepUsage)


class SearchTask(BaseModel):
    """One item of the Search map: a query of a round."""

    model_config = ConfigDict(defer_build=True)

    turn_id: str
    empno: str
    query: str
    index: int = 0
    round: int = 1


class WebFinding(BaseModel):
    model_config = ConfigDict(defer_build=True)

    title: str
    url: str
    snippet: str = ""
    excerpt: str = ""  # text read from the page (empty when it could not be read)
    published_at: str | None = None


class FilePassage(BaseModel):
    """A passage of one of the user's uploaded files."""

    model_config = ConfigDict(defer_build=True)

    file_id: str
    filename: str
    text: str
    score: float = 0.0
    page: int | None = None


class Findings(BaseModel):
    """Everything one query found (kept in S3; too large for the state)."""

    model_config = ConfigDict(defer_build=True)

    query: str
    round: int
    index: int
    web_status: WebStatus
    provider: str | None = None
    web: list[WebFinding] = Field(default_factory=list)
    files_status: FilesStatus = "not_available"
    files: list[FilePassage] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


class SourceRef(BaseModel):
    model_config = ConfigDict(defer_build=True)

    title: str
    url: str | None = None


class FindingSummary(BaseModel):
    """What a Search map item returns into the state: counts, a few titles and the S3 key."""

    model_config = ConfigDict(defer_build=True)

    query: str
    round: int = 1
    index: int = 0
    key: str | None = None  # None when the item failed before storing anything
    web: int = 0
    files: int = 0
    web_status: WebStatus | Literal["failed"] = "failed"
    files_status: FilesStatus | Literal["failed"] = "failed"
    sources: list[SourceRef] = Field(default_factory=list)
    error: str | None = None


class GapReport(BaseModel):
    """What the first round left open, and the follow-up queries (at most one more round)."""

    model_config = ConfigDict(defer_build=True)

    info_gaps: list[str] = Field(default_factory=list)
    queries: list[str] = Field(default_factory=list)
    analysed_by: Literal["model", "rules"] = "rules"
    usage: StepUsage = Field(default_factory=StepUsage)
