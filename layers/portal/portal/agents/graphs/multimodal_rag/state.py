"""The multimodal_rag graph's state: plain data, one field per concern."""

from __future__ import annotations

from typing import TypedDict

from portal.agents.graphs.reply import Reply
from portal.db.repositories.files import UploadedFile
from portal.llm.base import ChatMessage
from portal.rag.crosslingual import Rewrite
from portal.rag.retrieve import Passage


class RagState(TypedDict, total=False):
    question: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    korean: bool  # answer in Korean
    preferred_model: str | None
    attachments: list[str] | None  # file ids the turn is restricted to (None: every readable file)
    waiting: list[UploadedFile]  # attached files not processed yet (said in the answer)
    top_k: int
    passages: list[Passage]  # numbered 1.. in this order
    rewrite: Rewrite  # the question in the other document language, or why there is none
    reply: Reply
