"""The tool-use loop: the model asks for MCP tools, the portal runs them, the model answers.

Each round streams one model call. Text streams to the user as it arrives (so the stored
answer is exactly what the user saw); tool calls are run through the toolbox, recorded, and
their results go back on the next request. After ``max_rounds`` rounds that used tools, one
last call keeps the tools declared (the history refers to them) but asks for text only.

Fallback follows the chain, as ``portal.llm.service.stream_answer`` does for plain text: a
retryable provider fault moves the round to the next model. Because the conversation is
kept in the provider-neutral types of ``portal.llm.base``, a loop begun on Claude can go on
with Gemini. The user is told when a model stopped after some text was already shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from portal.agents.mcp.client import DiscoveredTool, ToolOutcome
from portal.llm import service
from portal.llm.base import (
    ChatMessage,
    ChatModel,
    Completed,
    ModelRequest,
    ProviderError,
    TextDelta,
    ToolUse,
    Usage,
    supports_tools,
)
from portal.llm.catalog import CatalogModel, cost_usd
from portal.llm.metered import metered
from portal.llm.parts import ToolResult
from portal.llm.service import AllModelsFailed, provider_model_id
from portal.observability import logger


class Toolbox(Protocol):
    """What the loop needs of the MCP side (McpToolbox implements it)."""

    tools: list[DiscoveredTool]

    def find(self, exposed_name: str) -> DiscoveredTool | None: ...

    def call_many(self, calls: Sequence[tuple[DiscoveredTool, dict[str, Any]]]) -> list[ToolOutcome]: ...


@dataclass
class ToolLoopResult:
    """The loop's answer and everything the worker records about it."""

    text: str
    model: CatalogModel
    usage: Usage
    cost_usd: float
    rounds: int  # model calls made
    outcomes: list[ToolOutcome] = field(default_factory=list)
    fallbacks: list[dict[str, str]] = field(default_factory=list)
    exhausted: bool = False  # the tool rounds ran out and the model had to answer with what it had
    stop_reason: str | None = None


@dataclass
class _Round:
    text: str
    tool_uses: list[ToolUse]
    usage: Usage
    stop_reason: str | None


def tool_capable_chain(chain: Sequence[CatalogModel], available: dict[str, ChatModel]) -> list[CatalogModel]:
    """The models of the chain whose provider is configured here and can call tools."""
    return [m for m in chain if m.provider in available and supports_tools(available[m.provider])]


def _switch_notice(failed: CatalogModel, nxt: CatalogModel, korean: bool) -> str:
    if korean:
        return f"\n\n[{failed.display_name} 응답이 중단되어 {nxt.display_name}(으)로 이어서 답합니다]\n\n"
    return f"\n\n[{failed.display_name} stopped responding; {nxt.display_name} continues]\n\n"


class _Transcript:
    """Everything written to the user, with a paragraph break between rounds."""

    def __init__(self, on_text: Callable[[str], None]) -> None:
        self._on_text = on_text
        self.parts: list[str] = []
        self._round_started = False

    def new_round(self) -> None:
        self._round_started = False

    def write(self, text: str) -> None:
        if not text:
            return
        if not self._round_started:
            self._round_started = True
            so_far = "".join(self.parts[-2:])
            if so_far and not so_far.endswith("\n\n"):
                text = ("\n" if so_far.endswith("\n") else "\n\n") + text
        self.parts.append(text)
        self._on_text(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def run_tool_loop(
    chain: Sequence[CatalogModel],
    request: ModelRequest,
    toolbox: Toolbox,
    on_text: Callable[[str], None],
    *,
    max_rounds: int,
    on_tool_call: Callable[[ToolOutcome], None] = lambda _: None,
    available: dict[str, ChatModel] | None = None,
    korean: bool = True,
) -> ToolLoopResult:
    """Answer `request` (system + conversation) with the toolbox's tools, streaming text to `on_text`."""
    available = service.providers() if available is None else available
    models = tool_capable_chain(chain, available)
    if not models:
        raise AllModelsFailed("no configured model can call tools")
    specs = tuple(t.spec() for t in toolbox.tools)
    transcript = _Transcript(on_text)
    messages = list(request.messages)
    result = ToolLoopResult(text="", model=models[0], usage=Usage(), cost_usd=0.0, rounds=0)
    index = 0
    for round_no in range(max_rounds + 1):
        last = round_no == max_rounds
        round_request = replace(
            request, messages=tuple(messages), tools=specs, tool_choice="none" if last and specs else "auto"
        )
        index, turn = _stream_round(
            models, index, round_request, transcript, available, korean, result.fallbacks
        )
        model = models[index]
        result.rounds += 1
        result.model, result.stop_reason = model, turn.stop_reason
        result.usage = Usage(
            result.usage.input_tokens + turn.usage.input_tokens,
            result.usage.output_tokens + turn.usage.output_tokens,
        )
        result.cost_usd += cost_usd(model, turn.usage)
        if last:
            # The rounds ran out: this answer was asked for without further tools (calls the
            # model still made despite that are not run).
            result.exhausted = True
            logger.warning("tool rounds exhausted", extra={"rounds": result.rounds, "model": model.key})
            break
        if not turn.tool_uses:
            break
        messages.append(
            ChatMessage("assistant", turn.text, tool_calls=tuple(use.as_call() for use in turn.tool_uses))
        )
        messages.append(
            ChatMessage(
                "user", "", tool_results=tuple(_run_tools(turn.tool_uses, toolbox, result, on_tool_call))
            )
        )
    result.text = transcript.text
    return result


def _run_tools(
    uses: list[ToolUse],
    toolbox: Toolbox,
    result: ToolLoopResult,
    on_tool_call: Callable[[ToolOutcome], None],
) -> list[ToolResult]:
    """Run the round's calls (concurrently) and turn each into the result the model reads next."""
    known = [(use, toolbox.find(use.name)) for use in uses]
    outcomes = iter(toolbox.call_many([(tool, use.input) for use, tool in known if tool is not None]))
    results: list[ToolResult] = []
    for use, tool in known:
        if tool is None:
            # Nothing was called, so nothing is recorded; the model learns which tools exist.
            names = ", ".join(t.exposed_name for t in toolbox.tools) or "none"
            results.append(
                ToolResult(use.id, use.name, f"Unknown tool {use.name!r}. Available tools: {names}.", True)
            )
            continue
        outcome = next(outcomes)
        result.outcomes.append(outcome)
        on_tool_call(outcome)
        results.append(ToolResult(use.id, use.name, outcome.text, is_error=not outcome.ok))
    return results


def _stream_round(
    models: list[CatalogModel],
    index: int,
    request: ModelRequest,
    transcript: _Transcript,
    available: dict[str, ChatModel],
    korean: bool,
    fallbacks: list[dict[str, str]],
) -> tuple[int, _Round]:
    """One model call, moving down the chain on retryable faults; returns the model index that answered."""
    while True:
        model = models[index]
        transcript.new_round()
        parts: list[str] = []
        uses: list[ToolUse] = []
        usage, stop = Usage(), None
        try:
            for event in metered(
                available[model.provider], replace(request, model_id=provider_model_id(model)), model
            ):
                if isinstance(event, TextDelta):
                    parts.append(event.text)
                    transcript.write(event.text)
                elif isinstance(event, ToolUse):
                    uses.append(event)
                elif isinstance(event, Completed):
                    usage, stop = event.usage, event.stop_reason
            return index, _Round("".join(parts), uses, usage, stop)
        except ProviderError as exc:
            if not exc.retryable or index == len(models) - 1:
                raise AllModelsFailed(f"{model.key}: {exc}") from exc
            logger.warning(
                "model failed in the tool loop, falling back", extra={"model": model.key, "error": str(exc)}
            )
            fallbacks.append({"model": model.key, "error": type(exc).__name__})
            if parts:
                transcript.write(_switch_notice(model, models[index + 1], korean))
            index += 1
