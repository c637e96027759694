"""The optional parts of a conversation: images, the tools offered, and tool calls with their results.

Provider-neutral (see portal.llm.base), so a conversation begun with one provider can continue
on another after a fallback. Apart from portal.llm.base because only vision, the MCP tool loop
and the provider adapters use them: a research step or a plain chat stream does not build these
classes at its cold start (#14).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImagePart:
    media_type: str  # image/png, image/jpeg, image/webp, image/gif
    data: bytes


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: its name, what it is for, and a JSON Schema for its input."""

    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    """A tool call the model made, kept on the assistant message that made it."""

    id: str
    name: str
    input: dict[str, Any]
    # An opaque token some providers require back with the call (Gemini's thought_signature).
    signature: bytes | None = None


@dataclass(frozen=True)
class ToolResult:
    """What a tool returned, sent on the user message that follows the call."""

    tool_call_id: str
    name: str  # Gemini matches results by function name, Claude by id: both are kept
    content: str
    is_error: bool = False
