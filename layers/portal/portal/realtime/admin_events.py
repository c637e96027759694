"""Socket events that follow an administrator's change, so the user sees it without a reload."""

from __future__ import annotations

import time

from portal.realtime.broadcast import to_user


def access_changed(empno: str, *, by_empno: str) -> int:
    """Tell a user their agent grants changed (the UI reads /api/me/agents again); sockets reached."""
    return to_user(empno, {"type": "agents.access", "by": {"empno": by_empno}, "timestamp": time.time()})
