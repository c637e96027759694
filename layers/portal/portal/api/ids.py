"""Path identifiers: a malformed id is simply an unknown one (404), never a 500 from SQL."""

from __future__ import annotations

import uuid

from portal.errors import NotFound


def uuid_or_404(value: str, what: str) -> str:
    """The canonical UUID text, or NotFound naming the resource."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"{what} not found") from None
