"""Gemini through the ``google-genai`` SDK, streamed as TextDelta events.

``google.genai`` is imported on first use, never at module import, to keep cold starts of
functions that never call a model fast.
"""

from __future__ import annotations

import importlib
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
    Usage,
)

if TYPE_CHECKING:
    from google import genai
    from google.genai import types

_ROLES = {"user": "user", "assistant": "model"}


class GeminiProvider:
    """Gemini via ``genai.Client(api_key=...)`` and ``models.generate_content_stream``."""

    name = "google"

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
        return self._client

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
        from google.genai import types

        config = types.GenerateContentConfig(
            system_instruction=request.system or None,
            max_output_tokens=request.max_tokens,
            temperature=request.temperature,
        )
        contents = [_content(m) for m in request.messages]
        usage = Usage()
        finish_reason: str | None = None
        chunks = self.client.models.generate_content_stream(
            model=request.model_id, contents=contents, config=config
        )
        try:
            for chunk in chunks:
                feedback = chunk.prompt_feedback
                if feedback is not None and feedback.block_reason is not None:
                    # A blocked prompt streams no candidates at all; without this it would look
                    # like an empty answer. Refused content is the request's fault, not the model's.
                    reason = getattr(feedback.block_reason, "value", feedback.block_reason)
                    raise ProviderRejected(
                        f"google: prompt blocked ({reason})", provider=self.name, model_id=request.model_id
                    )
                if chunk.text:
                    yield TextDelta(chunk.text)
                if chunk.usage_metadata is not None:
                    usage = _usage(chunk.usage_metadata)  # counts are cumulative; the last wins
                if chunk.candidates and chunk.candidates[0].finish_reason is not None:
                    reason = chunk.candidates[0].finish_reason
                    finish_reason = getattr(reason, "value", str(reason))
        finally:
            # Close the SDK generator (and its HTTP response) even when the consumer stops early;
            # it is typed as a plain Iterator, hence getattr.
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        yield Completed(usage, request.model_id, finish_reason)


def _content(message: ChatMessage) -> types.Content:
    """A ChatMessage as a Gemini Content (role user/model) with inline image parts."""
    from google.genai import types

    parts = [types.Part.from_bytes(data=img.data, mime_type=img.media_type) for img in message.images]
    if message.content or not parts:
        parts.append(types.Part.from_text(text=message.content))
    return types.Content(role=_ROLES[message.role], parts=parts)


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
