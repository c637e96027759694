"""Claude through the Anthropic API or Amazon Bedrock, streamed as TextDelta and ToolUse events.

The ``anthropic`` SDK is imported on first use, never at module import: it is a large
package and most Lambda cold starts (auth, history, health) never call a model.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from portal.llm.base import (
    ChatMessage,
    Completed,
    ModelRequest,
    ProviderError,
    ProviderRejected,
    ProviderThrottled,
    ProviderTimeout,
    ProviderUnavailable,
    StreamEvent,
    TextDelta,
    ToolUse,
    Usage,
)
from portal.llm.parts import ToolResult
from portal.observability import logger

if TYPE_CHECKING:
    import anthropic

# The router owns retries by falling back to the next model; SDK retries would spend the
# Lambda's time budget on a provider that is already throttled or overloaded.
_SDK_MAX_RETRIES = 0

# `error.type` values (from an HTTP error body or a mid-stream `error` event). Bedrock
# stream exceptions arrive as their AWS exception names.
_THROTTLED_TYPES = {"rate_limit_error", "throttlingException"}
_UNAVAILABLE_TYPES = {
    "overloaded_error",
    "api_error",
    "serviceUnavailableException",
    "internalServerException",
    "modelStreamErrorException",
}
_TIMEOUT_TYPES = {"timeout_error", "modelTimeoutException"}


class AnthropicProvider:
    """Claude via ``anthropic.Anthropic`` (API key) or ``anthropic.AnthropicBedrock`` (IAM)."""

    name = "anthropic"
    supports_tools = True

    def __init__(
        self,
        client: Any = None,
        *,
        api_key: str | None = None,
        use_bedrock: bool = False,
        aws_region: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self._client = client
        self._api_key = api_key
        self._use_bedrock = use_bedrock
        self._aws_region = aws_region
        self._timeout = timeout
        self._lock = threading.Lock()

    @property
    def client(self) -> anthropic.Anthropic | anthropic.AnthropicBedrock:
        """The SDK client, built (and ``anthropic`` imported) on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._build_client()
        client: anthropic.Anthropic | anthropic.AnthropicBedrock = self._client
        return client

    def _build_client(self) -> anthropic.Anthropic | anthropic.AnthropicBedrock:
        import anthropic

        if self._use_bedrock:
            # No key: Bedrock requests are SigV4-signed with the Lambda role's credentials.
            return anthropic.AnthropicBedrock(
                aws_region=self._aws_region, timeout=self._timeout, max_retries=_SDK_MAX_RETRIES
            )
        return anthropic.Anthropic(api_key=self._api_key, timeout=self._timeout, max_retries=_SDK_MAX_RETRIES)

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        """Stream one Messages API call, translating SDK faults into ProviderError."""
        import anthropic
        import httpx2  # the SDK's HTTP layer; already imported by anthropic

        try:
            yield from self._stream(request)
        except anthropic.AnthropicError as exc:
            raise _map_error(exc, request.model_id) from exc
        except httpx2.TransportError as exc:
            # The SDK wraps transport faults of the request, not of reading the streamed body.
            raise ProviderTimeout(
                f"anthropic: stream interrupted: {exc!r}", provider=self.name, model_id=request.model_id
            ) from exc

    def _stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        reading = _EventReader()
        # create(stream=True) yields the raw documented events; `with` closes the HTTP
        # response even when the consumer stops reading early.
        with self.client.messages.create(stream=True, **_request_kwargs(request)) as events:
            for event in events:
                yield from reading.read(event)
        yield Completed(
            Usage(reading.input_tokens, reading.output_tokens), request.model_id, reading.stop_reason
        )


def _request_kwargs(request: ModelRequest) -> dict[str, Any]:
    """The Messages API arguments of a request."""
    kwargs: dict[str, Any] = {
        "model": request.model_id,
        "max_tokens": request.max_tokens,
        "messages": [_message_param(m) for m in request.messages],
    }
    if request.system:
        kwargs["system"] = request.system
    if request.tools:
        kwargs["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.input_schema}
            for t in request.tools
        ]
        if request.tool_choice == "none":
            kwargs["tool_choice"] = {"type": "none"}
    # request.temperature is deliberately not sent: SDK 2.x removed the parameter and API
    # version 2026-10-21 (the SDK default) answers 400 to any temperature, even 1.0.
    return kwargs


class _EventReader:
    """Turns the raw stream events into ours, keeping usage, stop reason and unfinished tool calls."""

    def __init__(self) -> None:
        self.input_tokens = self.output_tokens = 0
        self.stop_reason: str | None = None
        # Tool-use blocks by content index: (id, name, partial JSON pieces) until the block stops.
        self.pending: dict[int, tuple[str, str, list[str]]] = {}

    def read(self, event: Any) -> Iterator[StreamEvent]:
        if event.type == "message_start":
            usage = event.message.usage
            self.input_tokens = _total_input(usage)
            self.output_tokens = usage.output_tokens or 0
        elif event.type == "content_block_start":
            if event.content_block.type == "tool_use":
                self.pending[event.index] = (event.content_block.id, event.content_block.name, [])
        elif event.type == "content_block_delta":
            yield from self._delta(event)
        elif event.type == "content_block_stop" and event.index in self.pending:
            tool_use = _tool_use(*self.pending.pop(event.index))
            if tool_use is not None:
                yield tool_use
        elif event.type == "message_delta":
            # message_delta usage is cumulative; input_tokens there is optional.
            self.output_tokens = event.usage.output_tokens
            if event.usage.input_tokens is not None:
                self.input_tokens = _total_input(event.usage)
            self.stop_reason = event.delta.stop_reason or self.stop_reason

    def _delta(self, event: Any) -> Iterator[StreamEvent]:
        if event.delta.type == "text_delta" and event.delta.text:
            yield TextDelta(event.delta.text)
        elif event.delta.type == "input_json_delta" and event.index in self.pending:
            self.pending[event.index][2].append(event.delta.partial_json)


def _tool_use(tool_id: str, name: str, pieces: list[str]) -> ToolUse | None:
    """A finished tool_use block; its input arrives as JSON text split over input_json_delta events."""
    raw = "".join(pieces).strip()
    try:
        arguments = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        # Cut off mid-input (stop_reason max_tokens): the call cannot be run, so it is dropped
        # and the caller sees the stop reason instead.
        logger.warning("dropping a tool call with incomplete input", extra={"tool": name, "chars": len(raw)})
        return None
    if not isinstance(arguments, dict):
        logger.warning("dropping a tool call whose input is not an object", extra={"tool": name})
        return None
    return ToolUse(tool_id, name, arguments)


def _total_input(usage: Any) -> int:
    """All input tokens: uncached plus cache writes plus cache reads (each billed)."""
    return (
        (usage.input_tokens or 0)
        + (getattr(usage, "cache_creation_input_tokens", None) or 0)
        + (getattr(usage, "cache_read_input_tokens", None) or 0)
    )


def _message_param(message: ChatMessage) -> dict[str, Any]:
    """A ChatMessage as a Messages API message.

    Plain text stays a string. Otherwise content blocks, in the order the API expects:
    tool results first on a user turn, then images (the docs advise images before text),
    then the text; on an assistant turn the text precedes its tool_use blocks.
    """
    if not (message.images or message.tool_calls or message.tool_results):
        return {"role": message.role, "content": message.content}
    blocks: list[dict[str, Any]] = [_tool_result_block(r) for r in message.tool_results]
    blocks += [
        {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": image.media_type,
                "data": base64.b64encode(image.data).decode("ascii"),
            },
        }
        for image in message.images
    ]
    if message.content:  # the API rejects empty text blocks
        blocks.append({"type": "text", "text": message.content})
    blocks += [
        {"type": "tool_use", "id": call.id, "name": call.name, "input": call.input}
        for call in message.tool_calls
    ]
    return {"role": message.role, "content": blocks}


def _tool_result_block(result: ToolResult) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": result.tool_call_id}
    if result.content:  # content is optional; an empty text block would be rejected
        block["content"] = result.content
    if result.is_error:
        block["is_error"] = True
    return block


def _map_error(exc: Exception, model_id: str) -> ProviderError:
    """Classify an SDK error so the router knows whether to fall back."""
    import anthropic

    def err(cls: type[ProviderError], message: str) -> ProviderError:
        return cls(message, provider="anthropic", model_id=model_id)

    if isinstance(exc, anthropic.APIConnectionError):  # includes APITimeoutError
        return err(ProviderTimeout, f"anthropic: {exc}")
    if isinstance(exc, anthropic.APIStatusError):
        kind = exc.type or ""
        detail = f"anthropic {exc.status_code} {kind}: {exc.api_message or exc.message}"
        if exc.request_id:
            detail += f" (request-id {exc.request_id})"
        if isinstance(exc, anthropic.RateLimitError) or kind in _THROTTLED_TYPES:
            return err(ProviderThrottled, detail)
        if kind in _TIMEOUT_TYPES:
            return err(ProviderTimeout, detail)
        # An `error` event mid-stream arrives on a 200 response: a server-side fault.
        if exc.status_code >= 500 or exc.status_code < 400 or kind in _UNAVAILABLE_TYPES:
            return err(ProviderUnavailable, detail)
        return err(ProviderRejected, detail)
    # Malformed responses and other SDK faults are the provider's, not the request's.
    return err(ProviderUnavailable, f"anthropic: {exc}")
