"""Log keys are context-local: concurrent invocations on the local target each log their own
function name and correlation (turn) id, so `grep <turn_id>` follows one turn."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import threading

import pytest


@pytest.fixture
def captured():
    from portal.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    previous = logger._logger.level
    logger._logger.setLevel(logging.INFO)
    yield stream
    logger._logger.removeHandler(handler)
    logger._logger.setLevel(previous)


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_concurrent_invocations_log_their_own_keys(captured: io.StringIO) -> None:
    from portal.observability import logger

    # Given two invocations that run at the same time, each with its own function and turn
    both_keyed = threading.Barrier(2)

    def invocation(function_name: str, turn_id: str) -> None:
        logger.append_keys(function_name=function_name)
        logger.set_correlation_id(turn_id)
        both_keyed.wait()  # both have set their keys before either logs
        for n in range(20):
            logger.info("step", extra={"n": n})

    # When each runs in its own context (as portal.local.functions.invoke runs a handler)
    threads = [
        threading.Thread(target=contextvars.Context().run, args=(invocation, name, turn))
        for name, turn in (("portal-worker-general", "turn-a"), ("portal-failure", "turn-b"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Then every line carries the keys of its own invocation, never the other's
    lines = [line for line in _lines(captured) if line["message"] == "step"]
    assert len(lines) == 40
    pairs = {(line["function_name"], line["correlation_id"]) for line in lines}
    assert pairs == {("portal-worker-general", "turn-a"), ("portal-failure", "turn-b")}


def test_keys_of_one_invocation_do_not_leak_into_the_caller(captured: io.StringIO) -> None:
    from portal.observability import logger

    def caller() -> None:
        # When an invocation in its own context appends a key
        contextvars.Context().run(logger.append_keys, correlation_id="turn-inside")
        # Then the caller's lines do not carry it
        logger.info("outside")

    # (the caller itself in a fresh context: other tests in this process may have left keys in
    # the main one, as any Lambda container's first invocation leaves its own)
    contextvars.Context().run(caller)
    assert "correlation_id" not in [line for line in _lines(captured) if line["message"] == "outside"][0]


def test_removed_keys_are_gone_only_in_their_context(captured: io.StringIO) -> None:
    from portal.observability import logger

    def inner() -> None:
        logger.append_keys(step="inner")
        logger.remove_keys(["step"])
        logger.info("inner")

    contextvars.Context().run(inner)
    assert "step" not in [line for line in _lines(captured) if line["message"] == "inner"][0]


# Run in a fresh interpreter: under pytest the pool's threads were seen with the caller's keys
# even without the fix (something in the test process propagates them), so only a plain
# process shows what a Lambda container does.
_FAN_OUT = """
import contextvars, io, json, logging
from botocore.exceptions import ClientError
from portal.observability import logger
from portal.realtime.sender import Sender

class Gateway:  # refuses every post (throttled), so the sender logs a warning per socket
    def post_to_connection(self, **_kwargs):
        raise ClientError({"Error": {"Code": "LimitExceededException"}}, "PostToConnection")

class NoConnections:
    def listed_token_exp(self, _id): return None
    def get(self, _id): return None

stream = io.StringIO()
handler = logging.StreamHandler(stream)
handler.setFormatter(logger.registered_formatter)
logger._logger.addHandler(handler)
sender = Sender(Gateway(), NoConnections())

def invocation():
    logger.append_keys(function_name="portal-worker-general")
    logger.set_correlation_id("turn-fanout")
    sender.send_many([f"conn-{n}" for n in range(6)], {"type": "chunk"})

contextvars.Context().run(invocation)
print(json.dumps([json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]))
"""


def test_the_senders_fan_out_threads_log_the_invocations_keys() -> None:
    import subprocess
    import sys

    # When one event goes to several sockets at once (the pool's threads post it, and each post fails)
    done = subprocess.run([sys.executable, "-c", _FAN_OUT], capture_output=True, text=True, check=True)
    lines = [line for line in json.loads(done.stdout) if line["message"] == "post_to_connection failed"]
    # Then the lines the pool's threads wrote carry the turn, so `grep turn-fanout` finds them
    assert len(lines) == 6
    assert {(line.get("function_name"), line.get("correlation_id")) for line in lines} == {
        ("portal-worker-general", "turn-fanout")
    }
