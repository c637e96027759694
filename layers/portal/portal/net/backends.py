"""Network backends that apply the SSRF guard (portal.net.ssrf) when they connect.

httpcore (httpx: the page fetcher) and httpcore2 (httpx2: MCP's streamable HTTP client) both
take a pluggable network backend; ours resolves the host, checks every address, and connects
to a checked address. TLS still verifies the original host name: httpcore passes the origin's
host as ``server_hostname`` when it starts TLS on the stream we return.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import httpcore

from portal.net.ssrf import AddressRefused, IPNetwork, Resolver, checked_addresses, system_resolver


class GuardedBackend(httpcore.NetworkBackend):
    """Synchronous: resolves, checks every address, and connects only to an address it checked."""

    def __init__(self, allow: Sequence[IPNetwork] = (), resolver: Resolver = system_resolver) -> None:
        self._allow = tuple(allow)
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port, self._resolver, self._allow)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        last: Exception | None = None
        for ip in addresses:
            try:
                return self._inner.connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are not connected to", code="scheme")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
