"""The MCP connection test in AWS: the API invokes the probe function with the configuration."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from portal.agents.mcp import probe
from portal.agents.mcp.config import McpAgentConfig
from portal.settings import reset_settings

CONFIG = McpAgentConfig.model_validate(
    {"servers": [{"name": "regs", "transport": "streamable_http", "url": "https://mcp.example.com/mcp"}]}
)


class FakeLambda:
    def __init__(self, payload: dict[str, Any], error: str | None = None) -> None:
        self.payload, self.error, self.calls = payload, error, []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        out: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.payload).encode())}
        if self.error:
            out["FunctionError"] = self.error
        return out


def clients(fake: FakeLambda) -> Any:
    """A stand-in for portal.aws.client (whose cache the suite clears between tests)."""

    def client(service: str, *args: Any) -> FakeLambda:
        assert service == "lambda"
        return fake

    client.cache_clear = lambda: None  # type: ignore[attr-defined]
    return client


@pytest.fixture
def in_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_MCP_PROBE_FUNCTION", "Portal-dev-Api-McpProbe")
    reset_settings()


def test_the_probe_function_is_invoked_with_the_configuration(in_aws, monkeypatch) -> None:
    fake = FakeLambda(
        {
            "servers": [
                {
                    "name": "regs",
                    "ok": True,
                    "elapsed_ms": 12,
                    "tools": [{"name": "search", "description": "규정 검색", "allowed": True}],
                }
            ]
        }
    )
    monkeypatch.setattr("portal.aws.client", clients(fake))

    results = probe.run(CONFIG)

    assert [r.tools[0].name for r in results] == ["search"] and results[0].ok
    (call,) = fake.calls
    assert call["FunctionName"] == "Portal-dev-Api-McpProbe"
    assert json.loads(call["Payload"])["config_data"]["servers"][0]["url"] == "https://mcp.example.com/mcp"


def test_a_failed_probe_function_is_a_502_with_a_korean_message(in_aws, monkeypatch) -> None:
    monkeypatch.setattr("portal.aws.client", clients(FakeLambda({"errorMessage": "boom"}, "Unhandled")))

    with pytest.raises(probe.ProbeFailed) as raised:
        probe.run(CONFIG)
    assert raised.value.status_code == 502 and "MCP 연결 테스트" in raised.value.message


def test_the_probe_handler_reports_an_unreachable_server_as_a_problem() -> None:
    # The local target's SSRF guard allows loopback only; nothing listens on this port.
    event = {
        "config_data": {
            "servers": [
                {
                    "name": "down",
                    "transport": "streamable_http",
                    "url": "http://127.0.0.1:9/mcp",
                    "timeout_seconds": 2,
                }
            ]
        }
    }
    out = probe.handle(event)
    (server,) = out["servers"]
    assert server["ok"] is False and server["problems"] and server["tools"] == []
