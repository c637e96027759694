"""The payloads that travel through the chat state machine (pydantic at every boundary)."""

# No `from __future__ import annotations`: pydantic would compile and eval each field annotation
# from its string at import, in every function's cold start (#14).

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from portal.agents.registry import AgentName, Toggle

# Every task validates a TurnInput; the other payloads only some use (the Plan, Search and Gaps
# steps, the failure handler and the sweep never build a RouteDecision or a WorkerResult), so
# those are built at first use (defer_build) rather than at import, ~1 ms each (#14).


class TurnOptions(BaseModel):
    agent: AgentName | None = None  # explicitly chosen by the user
    model: str | None = None  # a catalog key the user picked
    toggle: Toggle | None = None
    attachments: list[str] = []


class TurnInput(BaseModel):
    """The state machine's input, written by the API when it starts a turn."""

    turn_id: str
    conversation_id: str
    message_id: str
    empno: str
    workspace_id: str | None = None
    options: TurnOptions = Field(default_factory=TurnOptions)


# What decided a route: the feature toggle, the user's explicit choice, the local classifier, the
# LLM intent call (classifier unsure), or the fallback to general when no worker is deployed.
DecidedBy = Literal["toggle", "explicit", "classifier", "llm", "fallback"]


class RouteDecision(BaseModel):
    """The supervisor's choice and why (the route trace stored with the answer)."""

    model_config = ConfigDict(defer_build=True)

    agent: AgentName
    confidence: float
    reason: str
    decided_by: DecidedBy
    runners_up: list[tuple[str, float]] = []
    requested_agent: AgentName | None = None
    suggestion: dict[str, Any] | None = None  # {"agent","reason"} when a forced agent fits worse
    calls: list[dict[str, Any]] = []  # model calls made to decide (intent)


class WorkerResult(BaseModel):
    """What a worker task returns to the state machine (kept small: Express payload limits)."""

    model_config = ConfigDict(defer_build=True)

    message_id: str
    agent: str
    model: str | None = None
    status: str = "completed"
