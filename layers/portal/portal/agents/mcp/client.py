"""The MCP client side of one turn: connect to an agent's servers, list their tools, call them.

The ``mcp`` SDK is async and the worker is a sync Lambda handler. An anyio blocking portal
runs one event loop in a background thread for the turn: each server's connection is an
async context entered and left by one task of that loop (anyio's cancel scopes require the
same task), and the sync worker calls tools through the portal between model rounds. Nothing
here imports the SDK until a toolbox connects, so reading configurations stays cheap.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractContextManager, ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from portal.agents.mcp.config import McpServerConfig, allowed_networks
from portal.llm.parts import ToolSpec
from portal.net.mcp_transport import guarded_async_transport
from portal.observability import logger
from portal.settings import get_settings

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal
    from mcp import Client

CLIENT_NAME = "ai-portal"
CLIENT_VERSION = "0.1.0"
MAX_TOOL_PAGES = 10  # tools/list pages read per server (a server that paginates forever stops here)
_TOOL_NAME_LIMIT = 64  # Claude and Gemini both accept 64 characters of [A-Za-z0-9_-]
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class DiscoveredTool:
    """A tool one of the agent's servers offers, under the name the model sees."""

    server: str
    name: str  # the server's own tool name (what tools/call needs)
    exposed_name: str  # unique across the agent's servers and safe for every provider
    description: str
    input_schema: dict[str, Any]

    def spec(self) -> ToolSpec:
        """The tool as offered to a model."""
        return ToolSpec(self.exposed_name, self.description, self.input_schema)


@dataclass(frozen=True)
class ServerProblem:
    """A server the turn could not use, and why (shown to the user and in the logs)."""

    server: str
    error: str


@dataclass
class ToolOutcome:
    """One tool call: what was asked, what came back, how long it took."""

    server: str
    tool: str
    arguments: dict[str, Any]
    ok: bool
    text: str  # what the model reads (truncated to the configured size)
    duration_ms: int
    structured: Any = None  # the server's structured content, when it sends one
    error: str | None = None


@dataclass
class _Connection:
    config: McpServerConfig
    client: Client
    tools: list[DiscoveredTool] = field(default_factory=list)


def describe_error(exc: BaseException) -> str:
    """A one-line reason, looking inside exception groups (anyio task groups wrap faults)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, TimeoutError):
        text = "timed out"
    return f"{type(exc).__name__}: {text}"[:500]


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name)
    if not re.match(r"[A-Za-z_]", cleaned[:1]):  # Gemini wants a letter or underscore first
        cleaned = f"t_{cleaned}"
    return cleaned[:_TOOL_NAME_LIMIT]


def expose(tools: Sequence[tuple[str, str]]) -> list[str]:
    """Model-facing names for (server, tool) pairs: the tool's own name unless two would clash."""
    # A name with no ASCII letters or digits left (e.g. a Korean tool name) is useless to a model
    # as a row of underscores; it is named after its server (the description says what it does).
    plain = [
        name if re.search(r"[A-Za-z0-9]", name) else _safe_name(f"{server}_tool")
        for (server, _), name in zip(tools, (_safe_name(t) for _, t in tools), strict=True)
    ]
    counts = {n: plain.count(n) for n in plain}
    names: list[str] = []
    for (server, tool), name in zip(tools, plain, strict=True):
        candidate = name if counts[name] == 1 else _safe_name(f"{server}__{tool}")
        unique, n = candidate, 2
        while unique in names:
            suffix = f"_{n}"
            unique, n = candidate[: _TOOL_NAME_LIMIT - len(suffix)] + suffix, n + 1
        names.append(unique)
    return names


def _object_schema(schema: Any) -> dict[str, Any]:
    """Tools take a JSON object; a server that publishes nothing usable gets an empty one."""
    if isinstance(schema, dict) and schema.get("type") == "object":
        return schema
    return {"type": "object", "properties": {}}


def result_text(result: Any) -> str:
    """A CallToolResult's content as text for the model (non-text blocks are named, not dropped)."""
    texts: list[str] = []
    for block in result.content or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            texts.append(block.text)
        elif kind == "resource":
            resource = block.resource
            text = getattr(resource, "text", None)
            texts.append(text if text is not None else f"[binary resource {resource.uri}]")
        elif kind == "resource_link":
            texts.append(f"[resource {block.name}: {block.uri}]")
        elif kind in ("image", "audio"):
            texts.append(f"[{kind} ({block.mime_type}) omitted]")
        else:
            texts.append(f"[{kind or 'unknown'} content omitted]")
    if not texts and result.structured_content is not None:
        texts.append(json.dumps(result.structured_content, ensure_ascii=False, default=str))
    return "\n".join(texts)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, saying how much was cut (models should know they saw a part)."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n…[truncated: showing {limit:,} of {len(text):,} characters]"


@asynccontextmanager
async def _connect(server: McpServerConfig) -> AsyncIterator[Client]:
    """An initialised MCP session with one server (streamable HTTP or a stdio subprocess)."""
    import httpx2
    from mcp import Client, Implementation, StdioServerParameters
    from mcp.client.stdio import stdio_client
    from mcp.client.streamable_http import streamable_http_client

    transport: Any
    if server.transport == "streamable_http":
        assert server.url is not None
        # Our own client so headers (credentials) and the timeout apply to every request;
        # reading waits as long as a call may take.
        timeout = httpx2.Timeout(server.timeout_seconds, read=server.timeout_seconds + 5)
        # Every connection (redirects included) passes the SSRF guard at connect time.
        guarded = guarded_async_transport(allowed_networks(get_settings()))
        async with httpx2.AsyncClient(
            headers=server.headers, timeout=timeout, transport=guarded, trust_env=False
        ) as http:
            transport = streamable_http_client(server.url, http_client=http)
            async with Client(
                transport,
                read_timeout_seconds=server.timeout_seconds,
                client_info=Implementation(name=CLIENT_NAME, version=CLIENT_VERSION),
            ) as client:
                yield client
    else:
        assert server.command is not None
        params = StdioServerParameters(
            command=server.command, args=list(server.args), env=dict(server.env) or None
        )
        async with Client(
            stdio_client(params),
            read_timeout_seconds=server.timeout_seconds,
            client_info=Implementation(name=CLIENT_NAME, version=CLIENT_VERSION),
        ) as client:
            yield client


async def _list_tools(client: Client) -> list[Any]:
    tools: list[Any] = []
    cursor: str | None = None
    for _ in range(MAX_TOOL_PAGES):
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            break
    return tools


class McpToolbox:
    """An agent's MCP servers for one turn, used from sync code: ``with McpToolbox() as box``."""

    def __init__(self, *, max_result_chars: int = 12_000) -> None:
        self.max_result_chars = max_result_chars
        self.tools: list[DiscoveredTool] = []
        self.problems: list[ServerProblem] = []
        self._connections: dict[str, _Connection] = {}
        self._stack = ExitStack()
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None

    def __enter__(self) -> McpToolbox:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every session (stdio servers get their stdin closed, then are stopped) and the loop."""
        try:
            self._stack.close()
        except Exception as exc:  # a server that fails to shut down must not fail the turn
            logger.warning("closing MCP sessions failed", extra={"error": describe_error(exc)})
        finally:
            self._connections.clear()
            if self._portal_cm is not None:
                self._portal_cm.__exit__(None, None, None)
                self._portal_cm = self._portal = None

    def _blocking_portal(self) -> BlockingPortal:
        if self._portal is None:
            from anyio.from_thread import start_blocking_portal

            self._portal_cm = start_blocking_portal()
            self._portal = self._portal_cm.__enter__()
        return self._portal

    def connect(self, servers: Sequence[McpServerConfig]) -> list[DiscoveredTool]:
        """Open a session with each server and list its tools; a server that fails is a problem, not an error."""
        portal = self._blocking_portal()
        found: list[tuple[McpServerConfig, Any]] = []
        for server in servers:
            started = time.monotonic()
            try:
                client = self._stack.enter_context(portal.wrap_async_context_manager(_connect(server)))
                listed = portal.call(_list_tools, client)
            except Exception as exc:  # any failure of a remote server is reported, not raised
                self.problems.append(ServerProblem(server.name, describe_error(exc)))
                logger.warning(
                    "MCP server unavailable", extra={"server": server.name, "error": describe_error(exc)}
                )
                continue
            self._connections[server.name] = _Connection(server, client)
            logger.info(
                "MCP server connected",
                extra={
                    "server": server.name,
                    "tools": len(listed),
                    "ms": int((time.monotonic() - started) * 1000),
                },
            )
            wanted = set(server.allowed_tools) if server.allowed_tools is not None else None
            offered = {tool.name for tool in listed}
            for missing in sorted((wanted or set()) - offered):
                self.problems.append(ServerProblem(server.name, f"allowed tool {missing!r} is not offered"))
            found.extend((server, tool) for tool in listed if wanted is None or tool.name in wanted)

        names = expose([(server.name, tool.name) for server, tool in found])
        for (server, tool), exposed in zip(found, names, strict=True):
            discovered = DiscoveredTool(
                server=server.name,
                name=tool.name,
                exposed_name=exposed,
                description=(tool.description or tool.title or tool.name)[:4000],
                input_schema=_object_schema(tool.input_schema),
            )
            self._connections[server.name].tools.append(discovered)
            self.tools.append(discovered)
        return self.tools

    def find(self, exposed_name: str) -> DiscoveredTool | None:
        """The tool a model asked for by name (None for a name that was never offered)."""
        return next((t for t in self.tools if t.exposed_name == exposed_name), None)

    def call(self, tool: DiscoveredTool, arguments: dict[str, Any]) -> ToolOutcome:
        """Call one tool; failures (timeouts, server errors, isError results) come back as outcomes."""
        return self.call_many([(tool, arguments)])[0]

    def call_many(self, calls: Sequence[tuple[DiscoveredTool, dict[str, Any]]]) -> list[ToolOutcome]:
        """Call tools concurrently (a model often asks for several at once); results keep the order."""
        if not calls:
            return []
        return self._blocking_portal().call(self._gather, list(calls))

    async def _gather(self, calls: list[tuple[DiscoveredTool, dict[str, Any]]]) -> list[ToolOutcome]:
        import anyio

        outcomes: list[ToolOutcome | None] = [None] * len(calls)

        async def run(index: int, tool: DiscoveredTool, arguments: dict[str, Any]) -> None:
            outcomes[index] = await self._call(tool, arguments)

        async with anyio.create_task_group() as group:
            for index, (tool, arguments) in enumerate(calls):
                group.start_soon(run, index, tool, arguments)
        return [o for o in outcomes if o is not None]

    async def _call(self, tool: DiscoveredTool, arguments: dict[str, Any]) -> ToolOutcome:
        import anyio

        connection = self._connections.get(tool.server)
        started = time.monotonic()

        def outcome(ok: bool, text: str, structured: Any = None, error: str | None = None) -> ToolOutcome:
            elapsed = int((time.monotonic() - started) * 1000)
            return ToolOutcome(
                tool.server,
                tool.name,
                arguments,
                ok,
                truncate(text, self.max_result_chars),
                elapsed,
                structured,
                error,
            )

        if connection is None:
            return outcome(False, f"server {tool.server!r} is not connected", error="not connected")
        timeout = connection.config.timeout_seconds
        try:
            with anyio.fail_after(timeout):
                result = await connection.client.call_tool(tool.name, arguments, read_timeout_seconds=timeout)
        except Exception as exc:  # the model is told the call failed and may try something else
            reason = describe_error(exc)
            return outcome(False, f"The tool call failed: {reason}", error=reason)
        text = result_text(result)
        if result.is_error:
            return outcome(
                False, text or "The tool reported an error.", result.structured_content, text[:500] or "error"
            )
        return outcome(True, text, result.structured_content)
