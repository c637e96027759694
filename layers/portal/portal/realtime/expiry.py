"""The sweep's half of "live sockets follow the token": idle sockets get no frame to check."""

from __future__ import annotations

import time

from portal import services


def close_expired() -> int:
    """Tell every socket whose token has expired (`auth_expired`) and close it; how many."""
    store, sender = services.connections(), services.sender()
    now = time.time()
    closed = 0
    for connection_id in store.with_expired_tokens():
        connection = store.get(connection_id)  # again: it may have re-authenticated since the scan
        if connection and connection.token_expired(now):
            sender.expire(connection_id)
            closed += 1
    return closed
