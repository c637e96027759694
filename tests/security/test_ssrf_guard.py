"""The SSRF guard's table (portal.net.ssrf): which addresses are refused and which are allowed,
and that both the page fetcher and MCP's HTTP transport refuse at connect time."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from portal.net import ssrf

# (address, reason): every special-purpose range has a row, IPv4 and IPv6, including the
# IPv6 spellings of an IPv4 address, which are judged by that IPv4 address.
REFUSED = [
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("10.0.0.1", "private"),
    ("100.64.0.1", "shared-address-space"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "metadata"),
    ("169.254.1.1", "link-local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.8", "special-purpose"),  # passes ip.is_global on some Python versions
    ("192.0.0.170", "special-purpose"),
    ("192.0.2.1", "special-purpose"),
    ("192.31.196.1", "special-purpose"),
    ("192.52.193.1", "special-purpose"),
    ("192.88.99.1", "special-purpose"),
    ("192.168.1.1", "private"),
    ("192.175.48.1", "special-purpose"),
    ("198.18.0.1", "special-purpose"),
    ("198.19.255.255", "special-purpose"),
    ("198.51.100.1", "special-purpose"),
    ("203.0.113.1", "special-purpose"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "metadata"),
    ("::ffff:10.0.0.1", "private"),
    ("::7f00:1", "special-purpose"),  # IPv4-compatible
    ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of the metadata address
    ("64:ff9b::a00:1", "private"),
    ("64:ff9b:1::1", "special-purpose"),
    ("100::1", "special-purpose"),
    ("2001::1", "special-purpose"),  # Teredo
    ("2001:2::1", "special-purpose"),  # benchmarking
    ("2001:10::1", "special-purpose"),  # ORCHID
    ("2001:db8::1", "special-purpose"),
    ("2002:a9fe:a9fe::", "metadata"),  # 6to4 of the metadata address
    ("2002:7f00:1::", "loopback"),
    ("3fff::1", "special-purpose"),
    ("5f00::1", "special-purpose"),
    ("fc00::1", "private"),
    ("fd00:ec2::254", "metadata"),
    ("fd12:3456::1", "private"),
    ("fe80::1", "link-local"),
    ("fec0::1", "private"),
    ("ff02::1", "multicast"),
]
ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",  # just below carrier-grade NAT
    "100.128.0.0",  # just above it
    "172.32.0.1",  # just above 172.16/12
    "192.0.3.1",
    "198.20.0.1",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2404:6800:4004:80a::200e",
    "2001:4860:4860::8888",
    "2002:808:808::",  # 6to4 of a public address
    "64:ff9b::808:808",  # NAT64 of a public address
]


@pytest.mark.parametrize(("address", "reason"), REFUSED, ids=[a for a, _ in REFUSED])
def test_refused_addresses(address: str, reason: str) -> None:
    assert ssrf.refusal_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ALLOWED)
def test_allowed_addresses(address: str) -> None:
    assert ssrf.refusal_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("0x7f.1", "loopback"),
        ("2130706433", "loopback"),
        ("127.1", "loopback"),
        ("localhost", "loopback"),
        ("a.localhost", "loopback"),
        ("[::1]", "loopback"),
        ("0251.0376.0251.0376", "metadata"),
    ],
)
def test_hosts_are_judged_before_any_lookup(host: str, reason: str) -> None:
    with pytest.raises(ssrf.AddressRefused) as refused:
        ssrf.check_host(host)
    assert refused.value.code == reason


def test_one_refused_record_taints_a_name_at_connect_time() -> None:
    with pytest.raises(ssrf.AddressRefused) as refused:
        ssrf.checked_addresses("rebind.example.com", 443, lambda h, p: ["93.184.216.34", "10.0.0.5"])
    assert refused.value.code == "private"


def test_an_allow_list_lets_only_its_own_networks_through() -> None:
    loopback = (ipaddress.ip_network("127.0.0.0/8"),)
    assert ssrf.checked_addresses("127.0.0.1", 80, lambda h, p: [], loopback)
    with pytest.raises(ssrf.AddressRefused):
        ssrf.checked_addresses("169.254.169.254", 80, lambda h, p: [], loopback)


def test_the_page_fetcher_refuses_at_connect_time() -> None:
    from portal.search.fetch import FetchRefused, PageFetcher

    fetcher = PageFetcher(resolver=lambda host, port: ["192.0.0.8"])
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch("http://innocent.example.com/")
    assert refused.value.code == "special-purpose"


def test_the_mcp_http_transport_refuses_at_connect_time() -> None:
    import httpx2
    from portal.net.mcp_transport import guarded_async_transport

    async def get() -> None:
        transport = guarded_async_transport(resolver=lambda host, port: ["169.254.169.254"])
        async with httpx2.AsyncClient(transport=transport) as client:
            await client.get("http://mcp.example.com/mcp")

    with pytest.raises(ssrf.AddressRefused) as refused:
        asyncio.run(get())
    assert refused.value.code == "metadata"
