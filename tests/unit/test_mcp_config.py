"""MCP server configuration: strict validation, the deployment policy, and what the API shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from portal.agents.mcp.config import (
    InvalidMcpConfig,
    McpAgentConfig,
    McpServerConfig,
    check_deployable,
    parse_stored,
)
from portal.settings import Settings
from pydantic import ValidationError

REPO = Path(__file__).resolve().parents[2]

HTTP = {
    "name": "regulations",
    "transport": "streamable_http",
    "url": "https://mcp.example.internal/mcp",
    "headers": {"Authorization": "Bearer s3cret-token"},
}
STDIO = {
    "name": "law-db",
    "transport": "stdio",
    "command": "python",
    "args": ["-m", "law_server"],
    "env": {"API_KEY": "k"},
}


def aws_settings(**overrides: Any) -> Settings:
    return Settings(
        environment="aws",
        db_cluster_arn="arn:aws:rds:ap-northeast-2:123456789012:cluster:portal",
        db_secret_arn="arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:db",
        **overrides,
    )


def error_of(data: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        McpAgentConfig.model_validate(data)
    return str(caught.value)


# --- what is accepted ------------------------------------------------------------------------


def test_an_http_and_a_stdio_server_are_accepted_with_defaults() -> None:
    config = McpAgentConfig.model_validate({"servers": [HTTP, STDIO]})

    http, stdio = config.servers
    assert (http.transport, http.url, http.timeout_seconds, http.allowed_tools) == (
        "streamable_http",
        "https://mcp.example.internal/mcp",
        20.0,
        None,
    )
    assert (stdio.command, stdio.args, stdio.env) == ("python", ["-m", "law_server"], {"API_KEY": "k"})


def test_allowed_tools_narrow_what_the_model_may_call() -> None:
    config = McpAgentConfig.model_validate({"servers": [{**HTTP, "allowed_tools": ["search_regulations"]}]})
    assert config.servers[0].allowed_tools == ["search_regulations"]


# --- what is refused -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ({"name": "x", "transport": "streamable_http"}, "streamable_http needs a url"),
        ({"name": "x", "transport": "stdio"}, "stdio needs a command"),
        ({**HTTP, "command": "python"}, "command, args and env are for stdio servers"),
        ({**STDIO, "url": "https://a.example/mcp"}, "url and headers are for streamable_http servers"),
        ({**HTTP, "url": "ftp://files.example/mcp"}, "absolute http:// or https:// URL"),
        ({**HTTP, "url": "mcp.example.internal/mcp"}, "absolute http:// or https:// URL"),
        ({**HTTP, "url": "https://user:pw@mcp.example/mcp"}, "put credentials in headers"),
        ({**HTTP, "headers": {"X-Token": "a\r\nInjected: 1"}}, "line breaks"),
        ({**HTTP, "headers": {"Bad Header": "v"}}, "not a valid HTTP header name"),
        ({**HTTP, "headers": {"Content-Type": "text/plain"}}, "set by the MCP transport itself"),
        ({**STDIO, "env": {"1BAD": "v"}}, "environment variable name"),
        ({**HTTP, "name": "Regulations Server"}, "String should match pattern"),
        ({**HTTP, "transport": "sse"}, "Input should be 'streamable_http' or 'stdio'"),
        ({**HTTP, "timeout_seconds": 0}, "greater than 0"),
        ({**HTTP, "timeout_seconds": 600}, "less than or equal to 120"),
        ({**HTTP, "allowed_tools": []}, "at least 1 item"),
        ({**HTTP, "allowed_tools": ["search", "search"]}, "lists a tool twice"),
        ({**HTTP, "allowed_tools": ["  "]}, "non-empty tool names"),
        ({**HTTP, "token": "s3cret"}, "Extra inputs are not permitted"),
    ],
    ids=[
        "http-without-url",
        "stdio-without-command",
        "http-with-command",
        "stdio-with-url",
        "ftp-url",
        "relative-url",
        "credentials-in-url",
        "header-injection",
        "bad-header-name",
        "reserved-header",
        "bad-env-name",
        "bad-server-name",
        "unknown-transport",
        "zero-timeout",
        "huge-timeout",
        "empty-allowed-tools",
        "duplicate-allowed-tool",
        "blank-allowed-tool",
        "unknown-field",
    ],
)
def test_a_bad_server_is_refused_with_a_message_that_says_why(server: dict, message: str) -> None:
    assert message in error_of({"servers": [server]})


def test_no_servers_is_refused() -> None:
    assert "at least 1 item" in error_of({"servers": []})


def test_too_many_servers_are_refused() -> None:
    servers = [{**HTTP, "name": f"s{i}"} for i in range(9)]
    assert "at most 8 items" in error_of({"servers": servers})


def test_two_servers_with_one_name_are_refused() -> None:
    assert "server names must be unique" in error_of({"servers": [HTTP, {**STDIO, "name": "regulations"}]})


def test_a_bare_list_is_not_a_config() -> None:
    assert "Input should be a valid dictionary" in error_of([HTTP])


# --- the deployment policy -------------------------------------------------------------------


def test_locally_http_on_loopback_may_run_and_stdio_only_when_the_developer_opts_in() -> None:
    local_http = {**HTTP, "url": "http://127.0.0.1:8765/mcp"}
    check_deployable(McpAgentConfig.model_validate({"servers": [local_http]}), Settings())
    with_stdio = McpAgentConfig.model_validate({"servers": [local_http, STDIO]})
    with pytest.raises(InvalidMcpConfig, match="PORTAL_MCP_ALLOW_STDIO=true"):
        check_deployable(with_stdio, Settings())
    check_deployable(with_stdio, Settings(mcp_allow_stdio=True))


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://0x7f.1:5432/",
        "https://[::ffff:10.0.0.1]/mcp",
        "https://10.1.2.3/mcp",
        "https://localhost/mcp",
    ],
)
def test_in_aws_special_purpose_addresses_are_refused(url: str) -> None:
    config = McpAgentConfig.model_validate({"servers": [{**HTTP, "url": url}]})
    with pytest.raises(InvalidMcpConfig, match="refusing to connect"):
        check_deployable(config, aws_settings())


def test_locally_only_loopback_is_let_through() -> None:
    metadata = McpAgentConfig.model_validate({"servers": [{**HTTP, "url": "http://169.254.169.254/"}]})
    with pytest.raises(InvalidMcpConfig, match="metadata"):
        check_deployable(metadata, Settings())


def test_in_aws_stdio_servers_are_refused_unless_the_deployer_allows_them() -> None:
    config = McpAgentConfig.model_validate({"servers": [STDIO]})
    with pytest.raises(InvalidMcpConfig, match="stdio servers are disabled in AWS") as caught:
        check_deployable(config, aws_settings())
    assert caught.value.status_code == 422

    check_deployable(config, aws_settings(mcp_allow_stdio=True))  # a bundled server, enabled at deploy


def test_in_aws_http_servers_must_use_https() -> None:
    plain = McpAgentConfig.model_validate({"servers": [{**HTTP, "url": "http://mcp.example.internal/mcp"}]})
    with pytest.raises(InvalidMcpConfig, match="use an https:// url in AWS"):
        check_deployable(plain, aws_settings())
    check_deployable(McpAgentConfig.model_validate({"servers": [HTTP]}), aws_settings())


def test_a_stored_config_that_was_edited_into_nonsense_is_reported_not_raised_as_a_crash() -> None:
    with pytest.raises(InvalidMcpConfig, match=r"stored MCP configuration is invalid: servers\.0\.url"):
        parse_stored({"servers": [{**HTTP, "url": 42}]})


# --- what admins see -------------------------------------------------------------------------


def test_listings_name_headers_and_env_but_never_show_their_values() -> None:
    http, stdio = McpAgentConfig.model_validate({"servers": [HTTP, STDIO]}).servers

    assert http.public() == {
        "name": "regulations",
        "transport": "streamable_http",
        "url": "https://mcp.example.internal/mcp",
        "header_names": ["Authorization"],
        "timeout_seconds": 20.0,
        "allowed_tools": None,
    }
    assert stdio.public()["env_names"] == ["API_KEY"]
    assert "s3cret-token" not in str(http.public()) and "'k'" not in str(stdio.public())


def test_server_configs_are_immutable() -> None:
    server = McpServerConfig.model_validate(HTTP)
    with pytest.raises(ValidationError):
        server.url = "https://elsewhere.example/mcp"  # type: ignore[misc]


# --- cold start ------------------------------------------------------------------------------


def _imported(module: str, names: tuple[str, ...]) -> list[str]:
    code = f"import sys; import {module}; print(' '.join(m for m in {names!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.parametrize("module", ["functions.api.handler", "functions.ws.handler"])
def test_the_api_and_websocket_functions_import_no_mcp_sdk(module: str) -> None:
    # The admin API validates MCP configs, but the SDK itself stays out of the API's cold start.
    assert _imported(module, ("mcp", "mcp_types", "portal.agents.mcp.client", "anyio.from_thread")) == []


@pytest.mark.parametrize("agent", ["regulations", "legal", "accounting", "tax"])
def test_a_domain_worker_imports_only_its_own_path(agent: str) -> None:
    others = (
        "portal.agents.workers.general",
        "portal.agents.graphs.general",
        "portal.agents.workers.web_search",
        "portal.agents.workers.multimodal_rag",
        "portal.agents.workers.canvas",
        "portal.agents.research",
        "portal.rag",
        "opensearchpy",
    )
    assert _imported(f"functions.agents.{agent}", others) == []
