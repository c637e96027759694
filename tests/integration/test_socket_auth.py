"""Live sockets follow the token, on the local target with real WebSocket clients: an expired
token ends the socket (`auth_expired`, then closed) unless the client re-authenticated in time.
"""

from __future__ import annotations

import json
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.conftest import make_token

pytestmark = pytest.mark.integration

SHORT = 2  # seconds a short-lived token lives


def recv(ws: ClientConnection, timeout: float = 10.0) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def send(ws: ClientConnection, **frame: object) -> None:
    ws.send(json.dumps(frame))


def assert_closed(ws: ClientConnection) -> None:
    with pytest.raises(ConnectionClosed):
        ws.recv(timeout=10)


def _only_connection(empno: str = "E1001") -> str:
    from portal import services

    ids = services.connections().for_user(empno)
    assert len(ids) == 1
    return ids[0]


def test_a_frame_after_the_token_expired_gets_auth_expired_and_the_socket_closes(target) -> None:
    # Given a socket opened with a token that expires in two seconds
    with connect(f"{target.ws_url}?token={make_token(ttl_seconds=SHORT)}") as ws:
        send(ws, action="ping")
        assert recv(ws) == {"type": "pong"}
        # When the client speaks after the token expired
        time.sleep(SHORT + 1)
        send(ws, action="ping")
        # Then it is told, and the server closes the socket
        assert recv(ws) == {"type": "auth_expired"}
        assert_closed(ws)


def test_re_authenticating_in_time_keeps_the_socket_alive(target) -> None:
    # Given a socket with a short-lived token
    with connect(f"{target.ws_url}?token={make_token(ttl_seconds=SHORT)}") as ws:
        # When the client sends a fresh token for the same person before it expires
        send(ws, action="auth", token=make_token(ttl_seconds=600))
        ok = recv(ws)
        # Then the server answers with the new expiry, and the socket outlives the first token
        assert ok["type"] == "auth_ok" and ok["exp"] > time.time() + 500
        time.sleep(SHORT + 1)
        send(ws, action="ping")
        assert recv(ws) == {"type": "pong"}


def test_re_authenticating_as_someone_else_is_refused_and_closes_the_socket(target) -> None:
    with connect(f"{target.ws_url}?token={make_token('E1001')}") as ws:
        send(ws, action="auth", token=make_token("E2002", "김철수"))
        error = recv(ws)
        assert error["type"] == "error" and error["code"] == "unauthorized"
        assert_closed(ws)


def test_a_bad_re_auth_token_is_an_error_and_the_socket_keeps_its_first_token(target) -> None:
    with connect(f"{target.ws_url}?token={make_token()}") as ws:
        send(ws, action="auth", token=make_token(ttl_seconds=-5))
        error = recv(ws)
        assert (error["type"], error["code"], error["action"]) == ("error", "unauthorized", "auth")
        send(ws, action="ping")
        assert recv(ws) == {"type": "pong"}


def test_a_post_to_a_socket_whose_token_expired_becomes_auth_expired(target) -> None:
    from portal import services

    # Given a quiet socket whose token has expired
    with connect(f"{target.ws_url}?token={make_token(ttl_seconds=SHORT)}") as ws:
        connection_id = _only_connection()
        time.sleep(SHORT + 1)
        # When the server posts to it (a streamed chunk, a presence event)
        delivered = services.sender().send(connection_id, {"type": "chunk", "text": "비밀"})
        # Then the event is not delivered: the socket hears auth_expired and is closed
        assert delivered is False
        assert recv(ws) == {"type": "auth_expired"}
        assert_closed(ws)


def test_the_sweep_closes_idle_sockets_whose_token_expired_and_spares_the_others(target) -> None:
    from portal.realtime.expiry import close_expired

    # Given one idle socket with an expired token and one with a valid token
    with (
        connect(f"{target.ws_url}?token={make_token('E1001', ttl_seconds=SHORT)}") as stale,
        connect(f"{target.ws_url}?token={make_token('E2002', '김철수')}") as fresh,
    ):
        time.sleep(SHORT + 1)
        # When the sweep runs
        assert close_expired() == 1
        # Then only the stale one is told and closed
        assert recv(stale) == {"type": "auth_expired"}
        assert_closed(stale)
        send(fresh, action="ping")
        assert recv(fresh) == {"type": "pong"}
