"""The canvas graph's state: plain data, one field per concern."""

from __future__ import annotations

from typing import TypedDict

from portal.db.repositories.artifacts import Artifact
from portal.llm.base import ChatMessage
from portal.llm.service import StreamedAnswer


class CanvasState(TypedDict, total=False):
    request: str  # this turn's user message
    history: list[ChatMessage]  # earlier completed messages, oldest first
    workspace_id: str  # where the artifact lives
    previous_artifact_id: str | None  # the artifact this conversation last wrote in that workspace
    preferred_model: str | None
    target: Artifact | None  # the current version to edit; None -> create a new artifact
    artifact_type: str  # document | code
    title: str
    content: str | None  # the new content; None -> nothing to save (offline edit)
    language: str | None  # a code artifact's language, from its fence
    result: StreamedAnswer | None  # the model's streamed answer (None offline)
    offline: bool  # no real model answered
    saved: Artifact | None  # the version written
    rebased_from: int | None  # set when a colleague saved first and the edit went on top of theirs
