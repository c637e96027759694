"""Organisation-wide feature switches: agents an administrator turned off for everyone.

Stored as the org setting ``agents_disabled`` (``{"agents": [...]}``), changed in the admin
console. Every message checks it (through agents.access), so it is read from PostgreSQL at most
every READ_TTL_SECONDS per process and database, like the model enablement: the process that
changes it forgets at once, other Lambda containers see it within the TTL.
"""

from __future__ import annotations

import threading
import time

from portal.db.executor import Executor

SETTING_KEY = "agents_disabled"
READ_TTL_SECONDS = 30.0
# The general assistant answers whatever nothing else may: it cannot be switched off.
ALWAYS_ON = frozenset({"general"})

_lock = threading.Lock()
_cached: dict[int, tuple[float, frozenset[str]]] = {}  # id(executor) -> (read at, value)


def read(db: Executor) -> frozenset[str]:
    """The agents switched off, uncached."""
    from portal.db.repositories import org_settings

    stored = org_settings.get(db, key=SETTING_KEY)
    listed = stored.value.get("agents") if stored else None
    return frozenset(str(a) for a in listed) if isinstance(listed, list) else frozenset()


def disabled_agents(db: Executor) -> frozenset[str]:
    """The agents switched off, cached for READ_TTL_SECONDS."""
    now = time.monotonic()
    with _lock:
        hit = _cached.get(id(db))
        if hit is not None and now - hit[0] < READ_TTL_SECONDS:
            return hit[1]
    value = read(db)
    with _lock:
        _cached[id(db)] = (now, value)
    return value


def forget() -> None:
    """Drop the cached setting (after a change, so this process sees it at once)."""
    with _lock:
        _cached.clear()
