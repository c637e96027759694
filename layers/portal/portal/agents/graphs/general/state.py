"""The general graph's state: plain data, one field per concern."""

from __future__ import annotations

from typing import TypedDict

from portal.llm.base import ChatMessage
from portal.llm.service import StreamedAnswer


class GeneralState(TypedDict, total=False):
    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    attachments: list[str]
    preferred_model: str | None  # explicit choice or the user's saved preference
    summary: str | None  # summary of turns dropped from history (when long)
    summary_call: dict[str, object] | None  # accounting of the summarising call
    result: StreamedAnswer  # the streamed answer
