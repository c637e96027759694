"""The MCP servers an admin configures for a domain agent (``agent_mcp_configs.config_data``).

``config_data`` is ``{"servers": [...]}``; each server is reached over streamable HTTP (a URL,
optional headers) or stdio (a command the worker starts as a subprocess).

Where stdio may run is a deployment decision, not an admin's: in Lambda a stdio server must
be bundled into the worker (nothing an admin types can be installed there), and the command
runs with the worker's IAM role. So with ``PORTAL_ENVIRONMENT=aws`` stdio servers are refused
unless the deployer sets ``PORTAL_MCP_ALLOW_STDIO=true`` for a bundled server, and HTTP servers
must use https (the workers run outside any VPC; headers often carry credentials). Locally
stdio is refused too unless the developer sets the same variable: an admin (or whoever reaches
the local target) would otherwise run commands on the developer's machine.

Every HTTP server's address passes the SSRF guard (portal.net.ssrf): the URL's host when it
is an IP literal or a localhost name, at save, and every address it resolves to, at connect.
Locally, loopback is allowed (a developer's MCP server on this machine); nothing else is.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from portal.errors import PortalError
from portal.net import ssrf
from portal.settings import Settings

# Locally an MCP server on this machine is normal; in AWS loopback is the worker itself.
_LOCAL_LOOPBACK: tuple[ssrf.IPNetwork, ...] = (ssrf.ip_network("127.0.0.0/8"), ssrf.ip_network("::1/128"))

DOMAIN_AGENTS: tuple[str, ...] = ("regulations", "legal", "accounting", "tax")
MAX_SERVERS = 8
DEFAULT_TIMEOUT_SECONDS = 20.0

_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")  # an HTTP token
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,100}$")
# Hop-by-hop or transport-owned headers the MCP transport sets itself.
_RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "content-type",
        "accept",
        "connection",
        "mcp-session-id",
        "mcp-protocol-version",
    }
)


class InvalidMcpConfig(PortalError):
    """A configuration the portal cannot use (422: the body is well-formed JSON but wrong)."""

    status_code = 422
    code = "invalid_mcp_config"


class McpServerConfig(BaseModel):
    """One MCP server of an agent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Short and plain: it prefixes tool names when two servers offer the same tool, and it
    # appears in activity logs and citations.
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    transport: Literal["streamable_http", "stdio"]
    url: str | None = Field(default=None, max_length=2000)
    headers: dict[str, str] = Field(default={}, max_length=20)
    command: str | None = Field(default=None, min_length=1, max_length=500)
    args: list[str] = Field(default=[], max_length=50)
    env: dict[str, str] = Field(default={}, max_length=50)
    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0, le=120)
    # None: every tool the server lists. A list: only these (by the server's tool names).
    allowed_tools: list[str] | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an absolute http:// or https:// URL")
        if parts.username or parts.password:
            raise ValueError("put credentials in headers, not in the url")
        return v

    @field_validator("headers")
    @classmethod
    def _headers(cls, v: dict[str, str]) -> dict[str, str]:
        for name, value in v.items():
            if not _HEADER_NAME.match(name):
                raise ValueError(f"header name {name!r} is not a valid HTTP header name")
            if name.lower() in _RESERVED_HEADERS:
                raise ValueError(f"header {name!r} is set by the MCP transport itself")
            if any(ch in value for ch in "\r\n\0") or len(value) > 8000:
                raise ValueError(f"header {name!r} has a value with line breaks or over 8000 characters")
        return v

    @field_validator("env")
    @classmethod
    def _env(cls, v: dict[str, str]) -> dict[str, str]:
        for name, value in v.items():
            if not _ENV_NAME.match(name):
                raise ValueError(f"environment variable name {name!r} is not valid")
            if "\0" in value:
                raise ValueError(f"environment variable {name!r} contains a NUL byte")
        return v

    @field_validator("args")
    @classmethod
    def _args(cls, v: list[str]) -> list[str]:
        if any("\0" in a for a in v):
            raise ValueError("arguments must not contain NUL bytes")
        return v

    @field_validator("allowed_tools")
    @classmethod
    def _allowed(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        if any(not name.strip() or len(name) > 128 for name in v):
            raise ValueError("allowed_tools entries must be non-empty tool names (at most 128 characters)")
        if len(set(v)) != len(v):
            raise ValueError("allowed_tools lists a tool twice")
        return v

    @model_validator(mode="after")
    def _transport_fields(self) -> McpServerConfig:
        if self.transport == "streamable_http":
            if not self.url:
                raise ValueError(f"server {self.name!r}: streamable_http needs a url")
            if self.command or self.args or self.env:
                raise ValueError(f"server {self.name!r}: command, args and env are for stdio servers")
        else:
            if not self.command:
                raise ValueError(f"server {self.name!r}: stdio needs a command")
            if self.url or self.headers:
                raise ValueError(f"server {self.name!r}: url and headers are for streamable_http servers")
        return self

    def public(self) -> dict[str, Any]:
        """The server as admins see it listed: header values and env values are never echoed."""
        shown: dict[str, Any] = {"name": self.name, "transport": self.transport}
        if self.transport == "streamable_http":
            shown["url"] = self.url
            shown["header_names"] = sorted(self.headers)
        else:
            shown["command"] = self.command
            shown["args"] = list(self.args)
            shown["env_names"] = sorted(self.env)
        shown["timeout_seconds"] = self.timeout_seconds
        shown["allowed_tools"] = list(self.allowed_tools) if self.allowed_tools is not None else None
        return shown


class McpAgentConfig(BaseModel):
    """An agent's ``config_data``: the servers whose tools it may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    servers: list[McpServerConfig] = Field(min_length=1, max_length=MAX_SERVERS)

    @model_validator(mode="after")
    def _unique_names(self) -> McpAgentConfig:
        names = [s.name for s in self.servers]
        if len(set(names)) != len(names):
            raise ValueError("server names must be unique within an agent")
        return self


def allowed_networks(settings: Settings) -> tuple[ssrf.IPNetwork, ...]:
    """Special-purpose addresses an MCP HTTP server may still be reached at (loopback, locally)."""
    return _LOCAL_LOOPBACK if settings.is_local else ()


def deployment_problem(server: McpServerConfig, settings: Settings) -> str | None:
    """Why this deployment will not use the server (None when it may)."""
    if server.transport == "stdio" and not settings.mcp_allow_stdio:
        if settings.is_local:
            return (
                f"server {server.name!r}: stdio servers run commands on this machine and are off by "
                "default; the developer enables them with PORTAL_MCP_ALLOW_STDIO=true"
            )
        return (
            f"server {server.name!r}: stdio servers are disabled in AWS (a stdio server must be bundled "
            "into the worker; the deployer enables it with PORTAL_MCP_ALLOW_STDIO=true)"
        )
    if server.transport != "streamable_http":
        return None
    parts = urlsplit(server.url or "")
    if not settings.is_local and parts.scheme != "https":
        return f"server {server.name!r}: use an https:// url in AWS"
    try:
        ssrf.check_host(parts.hostname or "", allowed_networks(settings))
    except ssrf.AddressRefused as exc:
        return f"server {server.name!r}: {exc}"
    return None


def check_deployable(config: McpAgentConfig, settings: Settings) -> None:
    """Refuse a configuration this deployment cannot run (InvalidMcpConfig, nothing stored)."""
    problems = [p for s in config.servers if (p := deployment_problem(s, settings))]
    if problems:
        raise InvalidMcpConfig("; ".join(problems))


def parse_stored(config_data: Any) -> McpAgentConfig:
    """A stored config_data as a model; InvalidMcpConfig when it was edited into something invalid."""
    try:
        return McpAgentConfig.model_validate(config_data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        raise InvalidMcpConfig(f"stored MCP configuration is invalid: {where}: {message}") from exc
