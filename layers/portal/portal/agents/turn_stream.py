"""A turn's numbered chunk stream to the user's sockets, without the worker runner.

The runner (agents/runner.py) streams a worker's answer, but it also stores answers, reads the
user's context and budgets, and so imports much of the portal. The research steps and the
deep_research worker only write to the turn's stream, so opening one lives here and their cold
starts do not load the runner (#14).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import aws, services
from portal.realtime.stream import TurnStream
from portal.settings import get_settings

if TYPE_CHECKING:
    from portal.agents.turn import TurnInput


def recipients(turn: TurnInput) -> list[str]:
    """The sockets that see this turn stream (ConnectionStore.turn_audience)."""
    return services.connections().turn_audience(turn.empno, turn.workspace_id)


def open_stream(turn: TurnInput) -> TurnStream:
    """A numbered chunk stream for the turn, kept for replay."""
    settings = get_settings()
    return TurnStream(
        turn_id=turn.turn_id,
        recipients=lambda: recipients(turn),
        sender=services.sender(),
        chunk_table=aws.dynamodb_table(settings.stream_table),
        chunk_ttl_seconds=settings.stream_chunk_ttl_seconds,
    )
