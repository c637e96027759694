"""Gemini through the ``google-genai`` SDK, streamed as TextDelta and ToolUse events.

``google.genai`` is imported on first use, never at module import, to keep cold starts of
functions that never call a model fast.
"""

from __future__ import annotations

import importlib
import threading
import uuid
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
from portal.llm.parts import ToolCall, ToolResult

if TYPE_CHECKING:
    from google import genai
    from google.genai import types

_ROLES = {"user": "user", "assistant": "model"}
# Gemini may stream a function call without an id; the portal then makes one up (the loop
# matches results to calls by id). Such ids are never sent back: Gemini did not issue them.
LOCAL_CALL_ID_PREFIX = "gcall_"


class GeminiProvider:
    """Gemini via ``genai.Client(api_key=...)`` and ``models.generate_content_stream``."""

    name = "google"
    supports_tools = True

    def __init__(self, client: Any = None, *, api_key: str | None = None, timeout: float = 60.0) -> None:
        self._client = client
        self._api_key = api_key
        self._timeout = timeout
        self._lock = threading.Lock()

    @property
    def client(self) -> genai.Client:
        """The SDK client, built (and ``google.genai`` imported) on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from google import genai
                    from google.genai import types

                    # HttpOptions.timeout is in milliseconds. The SDK does not retry unless
                    # retry_options is set, which suits the router's fallback.
                    options = types.HttpOptions(timeout=int(self._timeout * 1000))
                    self._client = genai.Client(api_key=self._api_key, http_options=options)
        client: genai.Client = self._client  # built above, or the one the caller passed
        return client

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        """Stream one generateContent call, translating SDK faults into ProviderError."""
        from google.genai import errors

        try:
            yield from self._stream(request)
        except errors.APIError as exc:
            raise _map_api_error(exc, request.model_id) from exc
        except Exception as exc:
            mapped = _map_transport_error(exc, request.model_id)
            if mapped is None:
                raise
            raise mapped from exc

    def _stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        reading = _ChunkReader(self.name, request.model_id)
        chunks = self.client.models.generate_content_stream(
            model=request.model_id, contents=[_content(m) for m in request.messages], config=_config(request)
        )
        try:
            for chunk in chunks:
                yield from reading.read(chunk)
        finally:
            # Close the SDK generator (and its HTTP response) even when the consumer stops early;
            # it is typed as a plain Iterator, hence getattr.
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        # Gemini ends a function-calling turn with finishReason STOP; the portal's callers look
        # for "tool_use", as Claude reports it.
        yield Completed(
            reading.usage, request.model_id, "tool_use" if reading.called else reading.finish_reason
        )


def _config(request: ModelRequest) -> Any:
    """The request's GenerateContentConfig: system prompt, limits and tools."""
    from google.genai import types

    config = types.GenerateContentConfig(
        system_instruction=request.system or None,
        max_output_tokens=request.max_tokens,
        temperature=request.temperature,
    )
    if request.tools:
        config.tools = [
            types.Tool(
                function_declarations=[
                    # parameters_json_schema takes the JSON Schema as is (MCP tools publish
                    # full JSON Schema, which the narrower `parameters` Schema would reject).
                    types.FunctionDeclaration(
                        name=t.name, description=t.description, parameters_json_schema=t.input_schema
                    )
                    for t in request.tools
                ]
            )
        ]
        if request.tool_choice == "none":
            config.tool_config = types.ToolConfig(
                function_calling_config=types.FunctionCallingConfig(mode=types.FunctionCallingConfigMode.NONE)
            )
    return config


class _ChunkReader:
    """Turns streamed chunks into our events, keeping usage, finish reason and whether a tool was called."""

    def __init__(self, provider: str, model_id: str) -> None:
        self.provider, self.model_id = provider, model_id
        self.usage = Usage()
        self.finish_reason: str | None = None
        self.called = False

    def read(self, chunk: Any) -> Iterator[StreamEvent]:
        feedback = chunk.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            # A blocked prompt streams no candidates at all; without this it would look
            # like an empty answer. Refused content is the request's fault, not the model's.
            reason = getattr(feedback.block_reason, "value", feedback.block_reason)
            raise ProviderRejected(
                f"google: prompt blocked ({reason})", provider=self.provider, model_id=self.model_id
            )
        for part in _parts(chunk):
            if part.function_call is not None:
                self.called = True
                yield _tool_use(part)
            elif part.text and not part.thought:  # thought summaries are not the answer
                yield TextDelta(part.text)
        if chunk.usage_metadata is not None:
            self.usage = _usage(chunk.usage_metadata)  # counts are cumulative; the last wins
        if chunk.candidates and chunk.candidates[0].finish_reason is not None:
            finish = chunk.candidates[0].finish_reason
            self.finish_reason = getattr(finish, "value", str(finish))


def _parts(chunk: Any) -> list[Any]:
    """The first candidate's parts of a streamed chunk (usage-only chunks have none)."""
    if not chunk.candidates or chunk.candidates[0].content is None:
        return []
    return chunk.candidates[0].content.parts or []


def _tool_use(part: Any) -> ToolUse:
    """A function_call part as a ToolUse; its thought_signature must go back with the call."""
    call = part.function_call
    call_id = call.id or f"{LOCAL_CALL_ID_PREFIX}{uuid.uuid4().hex[:16]}"
    return ToolUse(call_id, call.name or "", dict(call.args or {}), part.thought_signature)


def _content(message: ChatMessage) -> types.Content:
    """A ChatMessage as a Gemini Content (role user/model): function responses, images, text, calls."""
    from google.genai import types

    parts = [_function_response(r) for r in message.tool_results]
    parts += [types.Part.from_bytes(data=img.data, mime_type=img.media_type) for img in message.images]
    if message.content or not (parts or message.tool_calls):
        parts.append(types.Part.from_text(text=message.content))
    parts += [_function_call(c) for c in message.tool_calls]
    return types.Content(role=_ROLES[message.role], parts=parts)


def _sent_id(call_id: str) -> str | None:
    return None if call_id.startswith(LOCAL_CALL_ID_PREFIX) else call_id


def _function_call(call: ToolCall) -> types.Part:
    from google.genai import types

    return types.Part(
        function_call=types.FunctionCall(id=_sent_id(call.id), name=call.name, args=call.input),
        thought_signature=call.signature,
    )


def _function_response(result: ToolResult) -> types.Part:
    from google.genai import types

    # The documented keys: "output" for the function's output, "error" for a failure.
    key = "error" if result.is_error else "output"
    return types.Part(
        function_response=types.FunctionResponse(
            id=_sent_id(result.tool_call_id), name=result.name, response={key: result.content}
        )
    )


def _usage(meta: Any) -> Usage:
    """Token usage; thinking tokens are billed as output, so they count as output here."""
    output = (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0)
    return Usage(input_tokens=meta.prompt_token_count or 0, output_tokens=output)


def _map_api_error(exc: Any, model_id: str) -> ProviderError:
    """Classify a ``google.genai.errors.APIError`` so the router knows whether to fall back."""
    from google.genai import errors

    code, status = exc.code or 0, exc.status or ""
    message = f"google {code} {status}: {exc.message or exc}"
    cls: type[ProviderError]
    if code == 429 or status == "RESOURCE_EXHAUSTED":
        cls = ProviderThrottled
    elif code in (408, 504) or status == "DEADLINE_EXCEEDED":
        cls = ProviderTimeout
    elif isinstance(exc, errors.ClientError):
        cls = ProviderRejected
    else:  # ServerError (5xx, including a mid-stream error chunk) or an unknown code
        cls = ProviderUnavailable
    return cls(message, provider="google", model_id=model_id)


def _map_transport_error(exc: Exception, model_id: str) -> ProviderError | None:
    """Network faults of either HTTP backend google-genai may use (httpx or httpx2)."""
    from google.genai import errors

    if isinstance(exc, errors.UnknownApiResponseError):  # unparseable body: the server's fault
        return ProviderUnavailable(f"google: {exc}", provider="google", model_id=model_id)
    for module_name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if isinstance(exc, module.TransportError):  # timeouts, connect and protocol errors
            return ProviderTimeout(f"google: {exc!r}", provider="google", model_id=model_id)
    return None
