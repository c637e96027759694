"""The turn's stream across research steps: each step continues the numbering where the last stopped.

The steps run one after another in separate Lambdas (the Map items never write to the
stream), so the last stored chunk number is the next step's starting point. Only the
Synthesize step finishes the stream (``done``); the others write and flush.
"""

from __future__ import annotations

from portal import aws
from portal.agents.turn import TurnInput
from portal.agents.turn_stream import open_stream  # not agents.runner: see turn_stream.py (#14)
from portal.realtime.stream import TurnStream, last_stored_seq
from portal.settings import get_settings


def continue_stream(turn: TurnInput) -> TurnStream:
    """The turn's stream, numbering chunks after those already sent."""
    stream = open_stream(turn)
    stream.seq = last_stored_seq(aws.dynamodb_table(get_settings().stream_table), turn.turn_id)
    return stream


def say(turn: TurnInput, text: str) -> None:
    """Send one progress note to the user's sockets (no done event)."""
    stream = continue_stream(turn)
    stream.write(text)
    stream.flush()
