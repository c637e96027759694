"""Any WebSocket frame gets a response or an `error` event, never an unhandled exception
(hypothesis generates the frames: JSON of any shape, actions real and not, text that is not JSON)."""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import RecordingSender

pytestmark = pytest.mark.integration

ACTIONS = ["auth", "ping", "join", "leave", "resume", "nope", ""]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
frames = st.one_of(
    # Objects with a real (or unknown) action and arbitrary fields.
    st.fixed_dictionaries(
        {"action": st.sampled_from(ACTIONS) | st.text(max_size=12)},
        optional={
            "workspace_id": st.uuids().map(str) | json_values,
            "turn_id": st.uuids().map(str) | json_values,
            "after_seq": st.integers() | json_values,
            "token": st.text(max_size=60) | json_values,
        },
    ).map(json.dumps),
    json_values.map(json.dumps),  # any JSON at all
    st.text(max_size=200),  # not JSON
    st.integers(min_value=1, max_value=20_000).map(lambda n: "[" * n + "]" * n),  # deep
    st.integers(min_value=1, max_value=20_000).map(
        lambda n: '{"action":"ping","x":' + "[" * n + "]" * n + "}"
    ),
)


@pytest.fixture
def socket_world(
    app_database_url: str, aws: dict, monkeypatch: pytest.MonkeyPatch
) -> tuple[RecordingSender, str]:
    from portal import services
    from portal.db.repositories import users

    recording = RecordingSender()
    monkeypatch.setattr(services, "sender", lru_cache(maxsize=1)(lambda: recording))
    users.upsert_from_claims(
        services.db(), empno="E1001", name_ko="홍길동", company=None, company_code="LOCAL", roles=[]
    )
    services.connections().add(connection_id="prop-1", user_empno="E1001", token_exp=time.time() + 3600)
    return recording, "prop-1"


def test_any_frame_gets_a_response_or_an_error_event(socket_world: tuple[RecordingSender, str]) -> None:
    from portal.realtime import routes

    recording, cid = socket_world

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=frames)
    def one_frame(body: str) -> None:
        before = len(recording.sent)
        answer: dict[str, Any] = routes.handle_default(
            {"requestContext": {"routeKey": "$default", "connectionId": cid}, "body": body}
        )
        assert answer["statusCode"] in (200, 410)
        for _, event in recording.sent[before:]:
            assert isinstance(event.get("type"), str)
            if event["type"] == "error":
                assert isinstance(event.get("code"), str) and isinstance(event.get("message"), str)
        # A re-auth frame with a bad token closes the socket: put it back for the next frame.
        from portal import services

        if services.connections().get(cid) is None:
            services.connections().add(connection_id=cid, user_empno="E1001", token_exp=time.time() + 3600)

    one_frame()
