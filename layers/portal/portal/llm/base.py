"""The provider interface every model adapter implements: a streamed chat completion.

A provider turns a ``ModelRequest`` into a stream of ``TextDelta`` events ending with one
``Completed`` event that carries token usage. Provider faults are raised as
``ProviderError`` subclasses so the router can tell "try the next model" (throttling,
5xx, timeout) from "the request itself is wrong".

Tool use: a request may offer ``tools`` (``ToolSpec``, in ``portal.llm.parts`` with the other
optional parts of a message: images, tool calls and their results). A model that wants one emits a
``ToolUse`` event before ``Completed`` (whose stop_reason is then "tool_use"); the caller
runs the tool and sends the conversation back with the call on the assistant message
(``ChatMessage.tool_calls``) and its result on the next user message
(``ChatMessage.tool_results``). These types are provider-neutral, so a conversation begun
with one provider can continue on another after a fallback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from portal.llm.interrupted import GenerationInterrupted as GenerationInterrupted

if TYPE_CHECKING:
    # Images and tool calls live in portal.llm.parts: only vision, the tool loop and the provider
    # adapters build or read them, so a step that streams plain text does not build their
    # classes at its cold start (#14). The annotations below are strings.
    from portal.llm.parts import ImagePart, ToolCall, ToolResult, ToolSpec


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["user", "assistant"]
    content: str
    images: tuple[ImagePart, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()  # assistant turns only
    tool_results: tuple[ToolResult, ...] = ()  # user turns only


ToolChoice = Literal["auto", "none"]


@dataclass(frozen=True)
class ModelRequest:
    model_id: str  # the catalog's provider model id (e.g. "claude-sonnet-4-5")
    messages: tuple[ChatMessage, ...]
    system: str = ""
    max_tokens: int = 2048
    temperature: float = 0.3
    tools: tuple[ToolSpec, ...] = ()
    # "none" keeps the tools defined (a conversation holding tool calls needs them) but
    # asks for a text answer: the last round of a tool loop.
    tool_choice: ToolChoice = "auto"
    # The reader is an admin: an answer written without a model may name settings and keys
    # (the offline provider); everyone else is told to ask an administrator.
    operator_detail: bool = False


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class TextDelta:
    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class ToolUse:
    """The model asks for a tool call (emitted whole, once its input is complete)."""

    id: str
    name: str
    input: dict[str, Any]
    signature: bytes | None = None
    type: Literal["tool_use"] = "tool_use"

    def as_call(self) -> ToolCall:
        """The call as it is kept on the assistant message."""
        from portal.llm.parts import ToolCall

        return ToolCall(self.id, self.name, self.input, self.signature)


@dataclass(frozen=True)
class Completed:
    usage: Usage
    model_id: str
    stop_reason: str | None = None
    type: Literal["completed"] = "completed"


StreamEvent = TextDelta | ToolUse | Completed


class ChatModel(Protocol):
    """A model provider. ``name`` is the provider key in the catalog (anthropic, google, offline...)."""

    name: str

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]: ...


def supports_tools(model: ChatModel) -> bool:
    """True when the provider can call tools (it sets ``supports_tools = True``)."""
    return bool(getattr(model, "supports_tools", False))


class ProviderError(Exception):
    """A provider failed. ``retryable`` faults send the router to the next model in the chain."""

    retryable = False

    def __init__(self, message: str, *, provider: str = "", model_id: str = "") -> None:
        super().__init__(message)
        self.provider = provider
        self.model_id = model_id


class ProviderThrottled(ProviderError):
    retryable = True


class ProviderUnavailable(ProviderError):
    """5xx or overloaded."""

    retryable = True


class ProviderTimeout(ProviderError):
    retryable = True


class ProviderRejected(ProviderError):
    """4xx: the request is wrong (bad model id, too long, refused content)."""

    retryable = False


@dataclass
class Completion:
    """A finished, non-streamed answer (collected from a stream)."""

    text: str
    usage: Usage
    model_id: str
    provider: str
    stop_reason: str | None = None
    fallbacks: list[str] = field(default_factory=list)
    tool_uses: list[ToolUse] = field(default_factory=list)


def collect(model: ChatModel, request: ModelRequest) -> Completion:
    """Run a stream to the end and return the whole answer."""
    parts: list[str] = []
    tool_uses: list[ToolUse] = []
    from portal.llm.metered import metered  # the budget guard (imports this module)

    usage, stop, model_id = Usage(), None, request.model_id
    for event in metered(model, request):
        if isinstance(event, TextDelta):
            parts.append(event.text)
        elif isinstance(event, ToolUse):
            tool_uses.append(event)
        else:
            usage, stop, model_id = event.usage, event.stop_reason, event.model_id
    return Completion("".join(parts), usage, model_id, model.name, stop, tool_uses=tool_uses)
