"""Small test doubles shared by several test modules."""

from __future__ import annotations


class FakeClock:
    """A settable clock (time.time's signature) for code that takes `clock=`."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
