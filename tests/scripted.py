"""A scripted fake ChatModel for tests: replays canned replies and faults in order.

Test-only, so it lives here and not in the Lambda layer; `portal dev` needs no scripted model (it
answers with the offline provider, portal.llm.providers.offline, when no key is configured).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from portal.llm.base import Completed, ModelRequest, StreamEvent, TextDelta, ToolUse, Usage

# A reply streams text; an exception is raised before anything is yielded; a
# (text, exception) pair streams the text and then fails mid-stream. A ToolUse, or a list
# of text and ToolUse parts played in order, is a turn in which the model calls tools
# (stop_reason "tool_use").
ScriptPart = str | ToolUse
ScriptItem = str | ToolUse | list[ScriptPart] | BaseException | tuple[str, BaseException]


class ScriptExhausted(AssertionError):
    """stream() was called more times than the script has replies."""


class ScriptedModel:
    """Each stream() call consumes the next scripted item and records the request."""

    supports_tools = True

    def __init__(self, replies: Iterable[ScriptItem], *, name: str = "scripted", chunk_size: int = 8) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.name = name
        self.chunk_size = chunk_size
        self.requests: list[ModelRequest] = []
        self._script: deque[ScriptItem] = deque(replies)

    @property
    def remaining(self) -> int:
        """Scripted items not yet consumed."""
        return len(self._script)

    def stream(self, request: ModelRequest) -> Iterator[StreamEvent]:
        """Record the request and play the next item (lazily, like a real provider)."""
        # Recorded and consumed at call time so tests can assert on calls that were never iterated.
        self.requests.append(request)
        if not self._script:
            raise ScriptExhausted(
                f"ScriptedModel {self.name!r} has no reply left for call #{len(self.requests)} "
                f"(model {request.model_id!r})"
            )
        return self._play(self._script.popleft(), request)

    def _play(self, item: ScriptItem, request: ModelRequest) -> Iterator[StreamEvent]:
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, tuple):
            text, failure = item
            yield from self._text(text)
            raise failure
        parts: list[ScriptPart] = item if isinstance(item, list) else [item]
        called = False
        for part in parts:
            if isinstance(part, ToolUse):
                called = True
                yield part
            else:
                yield from self._text(part)
        written = sum(len(p) for p in parts if isinstance(p, str))
        prompt_chars = sum(len(m.content) for m in request.messages)
        stop = "tool_use" if called else "end_turn"
        yield Completed(Usage(prompt_chars // 4, max(1, written // 4)), request.model_id, stop)

    def _text(self, text: str) -> Iterator[StreamEvent]:
        for start in range(0, len(text), self.chunk_size):
            yield TextDelta(text[start : start + self.chunk_size])
