"""One server-side request forgery guard for every outbound connection to an address a user,
an admin or a stranger (a search result) chose: the page fetcher and MCP's HTTP transport.

The rule is an explicit deny list of special-purpose ranges (IANA's IPv4 and IPv6
special-purpose registries, plus the cloud metadata addresses), not ``ip.is_global``: what
``is_global`` answers has changed between Python versions (192.0.0.0/24 passed on some), and a
security boundary must not move with the interpreter. IPv6 forms that really reach an IPv4
address (IPv4-mapped, NAT64, 6to4) are judged by that IPv4 address.

It is checked at connect time: the host is resolved once, every address is checked (one bad
record taints the name), and the connection goes to an address that was checked, which
defeats DNS rebinding. Backends for httpcore (sync, the fetcher) and httpcore2 (async, MCP)
sit in :mod:`portal.net.backends`.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

_N = ip_network = ipaddress.ip_network

# Cloud instance metadata endpoints (AWS IMDS over IPv4 and IPv6): named apart, being the prize.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)

# (network, reason). Order matters only for the reason reported: the first match wins.
DENIED: tuple[tuple[IPNetwork, str], ...] = (
    # IPv4 (RFC 6890 and the IANA IPv4 special-purpose address registry)
    (_N("0.0.0.0/8"), "unspecified"),  # "this network"
    (_N("10.0.0.0/8"), "private"),
    (_N("100.64.0.0/10"), "shared-address-space"),  # carrier-grade NAT
    (_N("127.0.0.0/8"), "loopback"),
    (_N("169.254.0.0/16"), "link-local"),
    (_N("172.16.0.0/12"), "private"),
    (_N("192.0.0.0/24"), "special-purpose"),  # IETF protocol assignments
    (_N("192.0.2.0/24"), "special-purpose"),  # TEST-NET-1
    (_N("192.31.196.0/24"), "special-purpose"),  # AS112-v4
    (_N("192.52.193.0/24"), "special-purpose"),  # AMT
    (_N("192.88.99.0/24"), "special-purpose"),  # 6to4 relay anycast (deprecated)
    (_N("192.168.0.0/16"), "private"),
    (_N("192.175.48.0/24"), "special-purpose"),  # direct delegation AS112
    (_N("198.18.0.0/15"), "special-purpose"),  # benchmarking
    (_N("198.51.100.0/24"), "special-purpose"),  # TEST-NET-2
    (_N("203.0.113.0/24"), "special-purpose"),  # TEST-NET-3
    (_N("224.0.0.0/4"), "multicast"),
    (_N("240.0.0.0/4"), "reserved"),  # includes the limited broadcast 255.255.255.255
    # IPv6 (RFC 6890 and the IANA IPv6 special-purpose address registry)
    (_N("::/128"), "unspecified"),
    (_N("::1/128"), "loopback"),
    (_N("::/96"), "special-purpose"),  # IPv4-compatible (deprecated)
    (_N("64:ff9b:1::/48"), "special-purpose"),  # local-use NAT64
    (_N("100::/64"), "special-purpose"),  # discard-only
    (_N("2001::/23"), "special-purpose"),  # IETF protocol assignments (Teredo, ORCHID, ...)
    (_N("2001:db8::/32"), "special-purpose"),  # documentation
    (_N("3fff::/20"), "special-purpose"),  # documentation (RFC 9637)
    (_N("5f00::/16"), "special-purpose"),  # SRv6 SIDs
    (_N("fc00::/7"), "private"),  # unique local
    (_N("fe80::/10"), "link-local"),
    (_N("fec0::/10"), "private"),  # site-local (deprecated)
    (_N("ff00::/8"), "multicast"),
)

_NAT64 = _N("64:ff9b::/96")  # well-known NAT64 prefix: the last 32 bits are IPv4
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}", re.IGNORECASE)


class AddressRefused(Exception):
    """A connection to this host or address is not allowed; ``code`` is the reason in one word."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def effective(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address really reaches (mapped, NAT64 or 6to4), else itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def refusal_reason(ip: IPAddress, allow: Iterable[IPNetwork] = ()) -> str | None:
    """Why a connection to this address is refused (None when it is allowed)."""
    ip = effective(ip)
    if any(ip.version == net.version and ip in net for net in allow):
        return None
    if ip in METADATA_ADDRESSES:
        return "metadata"
    for network, reason in DENIED:
        if ip.version == network.version and ip in network:
            return reason
    return None


def ip_literal(host: str) -> IPAddress | None:
    """The address a host names literally, including the legacy IPv4 spellings resolvers accept
    (2130706433, 0x7f.1, 127.1), so they are judged before any lookup."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_address(ip: IPAddress, host: str, allow: Iterable[IPNetwork] = ()) -> None:
    """AddressRefused unless a connection to ``ip`` (which ``host`` named) is allowed."""
    reason = refusal_reason(ip, allow)
    if reason is not None:
        where = host if host == str(ip) else f"{host} ({ip})"
        raise AddressRefused(f"refusing to connect to {where}: {reason} address", code=reason)


def check_host(host: str, allow: Iterable[IPNetwork] = ()) -> None:
    """Judge a host before any lookup: localhost names and IP literals (names wait for connect)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        # Resolvers answer these from /etc/hosts; say so before any lookup.
        check_address(ipaddress.ip_address("127.0.0.1"), host, allow)
    literal = ip_literal(host)
    if literal is not None:
        check_address(literal, host, allow)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6), in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(
    host: str, port: int, resolver: Resolver, allow: Sequence[IPNetwork] = ()
) -> list[IPAddress]:
    """The addresses to connect to for host, all checked; AddressRefused if any is refused.

    Resolver errors (socket.gaierror, OSError) propagate for the caller to map.
    """
    literal = ip_literal(host)
    addresses = [str(literal)] if literal is not None else resolver(host, port)
    if not addresses:
        raise OSError(f"{host} has no address")
    parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    for ip in parsed:  # one refused address taints the name (round-robin tricks)
        check_address(ip, host, allow)
    return parsed
