"""The exception that stops a model stream, apart from the provider interface in base.py.

The turn's chunk stream (realtime/stream.py) raises a subclass of it when the turn was ended
elsewhere; functions that stream without calling a model (the failure handler, the sweep, the
deep_research worker) need only this class, not base.py's request and event dataclasses
(cold starts, #14). base.py re-exports it.
"""

from __future__ import annotations

from typing import Any


class GenerationInterrupted(Exception):
    """Raised by whoever consumes a stream to stop the model (the user pressed stop).

    ``portal.llm.service.stream_answer`` sets ``partial`` to what was generated until then
    (text, model, estimated usage and cost) before letting it propagate, so the turn can be
    charged for it.
    """

    partial: Any = None
