"""MCP's HTTP transport (httpx2 / httpcore2) with the SSRF guard applied when it connects.

Its own module: only the functions that run MCP clients carry httpx2 in their layers, while
portal.net.backends (the page fetcher's guard) is reachable from every function.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from portal.net.ssrf import AddressRefused, IPNetwork, Resolver, checked_addresses, system_resolver

if TYPE_CHECKING:
    import httpx2


def guarded_async_transport(
    allow: Sequence[IPNetwork] = (), resolver: Resolver = system_resolver
) -> httpx2.AsyncHTTPTransport:
    """An httpx2 transport (MCP's HTTP client) whose every connection passes the guard.

    No proxies from the environment: a proxy would connect on our behalf, past the guard.
    """
    import anyio
    import httpcore2
    import httpx2
    from httpcore2._backends.anyio import AnyIOBackend  # the default backend; ours wraps it

    class GuardedAsyncBackend(httpcore2.AsyncNetworkBackend):
        def __init__(self) -> None:
            self._inner = AnyIOBackend()

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore2.AsyncNetworkStream:
            try:
                addresses = await anyio.to_thread.run_sync(
                    checked_addresses, host, port, resolver, tuple(allow)
                )
            except (OSError, UnicodeError) as exc:
                raise httpcore2.ConnectError(f"cannot resolve {host}: {exc}") from exc
            last: Exception | None = None
            for ip in addresses:
                try:
                    return await self._inner.connect_tcp(
                        str(ip),
                        port,
                        timeout=timeout,
                        local_address=local_address,
                        socket_options=socket_options,
                    )
                except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                    last = exc
            assert last is not None
            raise last

        async def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
        ) -> httpcore2.AsyncNetworkStream:
            raise AddressRefused("unix sockets are not connected to", code="scheme")

        async def sleep(self, seconds: float) -> None:
            await anyio.sleep(seconds)

    transport = httpx2.AsyncHTTPTransport(trust_env=False)
    if not hasattr(transport, "_pool"):  # pragma: no cover - guards an httpx2 upgrade
        raise RuntimeError("httpx2.AsyncHTTPTransport no longer keeps its pool in _pool")
    transport._pool = httpcore2.AsyncConnectionPool(
        ssl_context=transport._pool._ssl_context,  # httpx2's own (certifi) context
        network_backend=GuardedAsyncBackend(),
    )
    return transport
