"""The provider interface every model adapter implements: a streamed chat completion.

A provider turns a ``ModelRequest`` into a stream of ``TextDelta`` events ending with one
``Completed`` event that carries token usage. Provider faults are raised as
``ProviderError`` subclasses so the router can tell "try the next model" (throttling,
5xx, timeout) from "the request itself is wrong".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class ImagePart:
    media_type: str  # image/png, image/jpeg, image/webp, image/gif
    data: bytes


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["user", "assistant"]
    content: str
    images: tuple[ImagePart, ...] = ()


@dataclass(frozen=True)
class ModelRequest:
    model_id: str  # the catalog's provider model id (e.g. "claude-sonnet-4-5")
    messages: tuple[ChatMessage, ...]
    system: str = ""
    max_tokens: int = 2048
    temperature: float = 0.3


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class TextDelta:
    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class Completed:
    usage: Usage
    model_id: str
    stop_reason: str | None = None
    type: Literal["completed"] = "completed"


StreamEvent = TextDelta | Completed


class ChatModel(Protocol):
    """A model provider. ``name`` is the provider key in the catalog (anthropic, google, offline...)."""

    name: str

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]: ...


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


def collect(model: ChatModel, request: ModelRequest) -> Completion:
    """Run a stream to the end and return the whole answer."""
    parts: list[str] = []
    usage, stop, model_id = Usage(), None, request.model_id
    for event in model.stream(request):
        if isinstance(event, TextDelta):
            parts.append(event.text)
        else:
            usage, stop, model_id = event.usage, event.stop_reason, event.model_id
    return Completion("".join(parts), usage, model_id, model.name, stop)
