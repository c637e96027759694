"""Why a file cannot be processed: the reason is shown to its owner as-is."""

from __future__ import annotations


class FileRejected(Exception):
    """The file's bytes cannot be turned into text (corrupt, encrypted, a zip bomb, wrong type...)."""

    def __init__(self, reason: str, *, code: str = "unprocessable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
