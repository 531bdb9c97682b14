"""The outbound guard's decisions: every spelling of an internal address refused, names checked by what they
resolve to (a fake resolver stands at the guard's boundary), public addresses let through, and the admin's
allowlist honoured. No connection is made here."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpcore
import pytest

from crewloom.engine.tools.outbound import HostAllowlist, InvalidHost, OutboundGuard, OutboundRefused

LOOPBACK = "a loopback address"
PRIVATE = "a private address"
LINK_LOCAL = "a link-local address"
METADATA = "a cloud metadata address"
UNSPECIFIED = "an unspecified address"
MULTICAST = "a multicast address"
RESERVED = "a reserved address"


def resolving_to(*answers: str) -> Callable[[str, int], Awaitable[list[str]]]:
    async def resolve(host: str, port: int) -> list[str]:
        return list(answers)

    return resolve


async def no_resolution(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should not have been resolved")


@pytest.mark.parametrize(
    ("host", "shown", "kind"),
    [
        ("127.0.0.1", "127.0.0.1", LOOPBACK),
        ("127.0.0.1.", "127.0.0.1", LOOPBACK),
        ("127.8.9.10", "127.8.9.10", LOOPBACK),
        ("2130706433", "127.0.0.1", LOOPBACK),
        ("0x7f000001", "127.0.0.1", LOOPBACK),
        ("0X7F000001", "127.0.0.1", LOOPBACK),
        ("0x7f.0.0.1", "127.0.0.1", LOOPBACK),
        ("0x7f.1", "127.0.0.1", LOOPBACK),
        ("0177.0.0.1", "127.0.0.1", LOOPBACK),
        ("0177.0.1", "127.0.0.1", LOOPBACK),
        ("127.1", "127.0.0.1", LOOPBACK),
        ("127.0.1", "127.0.0.1", LOOPBACK),
        ("017700000001", "127.0.0.1", LOOPBACK),
        ("::1", "::1", LOOPBACK),
        ("[::1]", "::1", LOOPBACK),
        ("0:0:0:0:0:0:0:1", "::1", LOOPBACK),
        ("::ffff:127.0.0.1", "::ffff:7f00:1", LOOPBACK),
        ("[::ffff:7f00:1]", "::ffff:7f00:1", LOOPBACK),
        ("::127.0.0.1", "::7f00:1", LOOPBACK),
        ("::ffff:0:7f00:1", "::ffff:0:7f00:1", LOOPBACK),
        ("64:ff9b::7f00:1", "64:ff9b::7f00:1", LOOPBACK),
        ("2002:7f00:1::", "2002:7f00:1::", LOOPBACK),
        ("10.0.0.1", "10.0.0.1", PRIVATE),
        ("172.16.5.4", "172.16.5.4", PRIVATE),
        ("172.31.255.255", "172.31.255.255", PRIVATE),
        ("192.168.1.1", "192.168.1.1", PRIVATE),
        ("3232235777", "192.168.1.1", PRIVATE),
        ("::ffff:10.1.2.3", "::ffff:a01:203", PRIVATE),
        ("2002:c0a8:101::1", "2002:c0a8:101::1", PRIVATE),
        ("100.64.0.1", "100.64.0.1", "a carrier-grade NAT address"),
        ("100.127.255.254", "100.127.255.254", "a carrier-grade NAT address"),
        ("fc00::1", "fc00::1", "a unique-local address"),
        ("fd12:3456::1", "fd12:3456::1", "a unique-local address"),
        ("169.254.1.1", "169.254.1.1", LINK_LOCAL),
        ("fe80::1", "fe80::1", LINK_LOCAL),
        ("fe80::1%eth0", "fe80::1%eth0", LINK_LOCAL),
        ("169.254.169.254", "169.254.169.254", METADATA),
        ("0xa9fea9fe", "169.254.169.254", METADATA),
        ("2852039166", "169.254.169.254", METADATA),
        ("0251.0376.0251.0376", "169.254.169.254", METADATA),
        ("::ffff:169.254.169.254", "::ffff:a9fe:a9fe", METADATA),
        ("fd00:ec2::254", "fd00:ec2::254", METADATA),
        ("168.63.129.16", "168.63.129.16", METADATA),
        ("0.0.0.0", "0.0.0.0", UNSPECIFIED),  # noqa: S104 - the address refused
        ("0", "0.0.0.0", UNSPECIFIED),  # noqa: S104 - the address refused
        ("0.1.2.3", "0.1.2.3", UNSPECIFIED),
        ("::", "::", UNSPECIFIED),
        ("224.0.0.1", "224.0.0.1", MULTICAST),
        ("ff02::1", "ff02::1", MULTICAST),
        ("240.0.0.1", "240.0.0.1", RESERVED),
        ("255.255.255.255", "255.255.255.255", RESERVED),
        ("192.0.2.1", "192.0.2.1", RESERVED),
        ("198.18.0.1", "198.18.0.1", RESERVED),
        ("2001:db8::1", "2001:db8::1", RESERVED),
        ("64:ff9b:1::a00:1", "64:ff9b:1::a00:1", RESERVED),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo tunnel address"),
    ],
)
async def test_every_spelling_of_an_internal_address_is_refused(host: str, shown: str, kind: str) -> None:
    with pytest.raises(OutboundRefused) as refused:
        await OutboundGuard(resolve=no_resolution).vet(host, 80)

    assert refused.value.message == f"the tool may not reach {shown}: {kind} (an admin can allow this host)"


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "0x100.0.0.1", "1.16777216", "08.0.0.1", "1:2:3"])
async def test_a_host_that_is_numbers_but_no_address_is_refused(host: str) -> None:
    with pytest.raises(OutboundRefused, match=re.escape(f"the tool may not reach {host}: ")):
        await OutboundGuard(resolve=no_resolution).vet(host, 80)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("93.184.216.34", "93.184.216.34"),
        ("1572395042", "93.184.216.34"),
        ("8.8.8.8", "8.8.8.8"),
        ("2606:4700:4700::1111", "2606:4700:4700::1111"),
        ("::ffff:8.8.8.8", "::ffff:808:808"),
        ("2002:808:808::1", "2002:808:808::1"),
        ("64:ff9b::808:808", "64:ff9b::808:808"),
        ("100.63.255.255", "100.63.255.255"),
        ("172.32.0.1", "172.32.0.1"),
    ],
)
async def test_a_public_address_is_let_through_as_is(host: str, address: str) -> None:
    assert await OutboundGuard(resolve=no_resolution).vet(host, 443) == [address]


async def test_a_public_name_resolves_to_the_addresses_to_connect_to() -> None:
    guard = OutboundGuard(resolve=resolving_to("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"))

    assert await guard.vet("Example.COM.", 443) == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]


async def test_localhost_is_refused_by_what_it_resolves_to() -> None:
    with pytest.raises(OutboundRefused, match=r"the tool may not reach localhost \((127\.0\.0\.1|::1)\): a loopback"):
        await OutboundGuard().vet("localhost", 5432)


@pytest.mark.parametrize(
    ("answers", "refused"),
    [
        (["10.0.0.7"], f"internal.example.com (10.0.0.7): {PRIVATE}"),
        (["169.254.169.254"], f"internal.example.com (169.254.169.254): {METADATA}"),
        (["::ffff:127.0.0.1"], f"internal.example.com (::ffff:7f00:1): {LOOPBACK}"),
        # One internal address among public ones is enough: the connection could go to any of them.
        (["93.184.216.34", "127.0.0.1"], f"internal.example.com (127.0.0.1): {LOOPBACK}"),
    ],
)
async def test_a_name_resolving_to_an_internal_address_is_refused(answers: list[str], refused: str) -> None:
    with pytest.raises(OutboundRefused) as failure:
        await OutboundGuard(resolve=resolving_to(*answers)).vet("internal.example.com", 80)

    assert failure.value.message == f"the tool may not reach {refused} (an admin can allow this host)"


@pytest.mark.parametrize("host", ["metadata.google.internal", "METADATA.google.internal.", "metadata"])
async def test_metadata_names_are_refused_before_resolving(host: str) -> None:
    with pytest.raises(OutboundRefused, match=re.escape(f"may not reach {host.lower().rstrip('.')}: {METADATA}")):
        await OutboundGuard(resolve=no_resolution).vet(host, 80)


async def test_a_name_that_does_not_resolve_is_a_connection_failure() -> None:
    async def fails(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(httpcore.ConnectError, match=r"nowhere\.example does not resolve"):
        await OutboundGuard(resolve=fails).vet("nowhere.example", 80)


async def test_an_allowed_name_reaches_whatever_it_resolves_to() -> None:
    guard = OutboundGuard(HostAllowlist.parse("search.internal, db.internal:5432"), resolving_to("10.1.2.3"))

    assert await guard.vet("search.internal", 9200) == ["10.1.2.3"]
    assert await guard.vet("SEARCH.internal.", 80) == ["10.1.2.3"]
    assert await guard.vet("db.internal", 5432) == ["10.1.2.3"]
    with pytest.raises(OutboundRefused, match=r"db\.internal \(10\.1\.2\.3\): a private address"):
        await guard.vet("db.internal", 6379)


async def test_an_allowed_address_is_allowed_in_every_spelling_and_through_names() -> None:
    guard = OutboundGuard(HostAllowlist.parse("127.0.0.1, [fd00::5]:8080"), resolving_to("127.0.0.1"))

    assert await guard.vet("2130706433", 8000) == ["127.0.0.1"]
    assert await guard.vet("127.1", 8000) == ["127.0.0.1"]
    assert await guard.vet("service.test", 8000) == ["127.0.0.1"]
    assert await guard.vet("[fd00::5]", 8080) == ["fd00::5"]
    with pytest.raises(OutboundRefused, match=r"127\.0\.0\.2: a loopback address"):
        await guard.vet("127.0.0.2", 8000)
    with pytest.raises(OutboundRefused, match="fd00::5: a unique-local address"):
        await guard.vet("fd00::5", 8081)


def test_the_allowlist_reads_hosts_and_ports() -> None:
    allowlist = HostAllowlist.parse(" Search.Internal. , db:5432,[::1]:8080, 10.0.0.1 ,,")

    assert allowlist.names == {("search.internal", None), ("db", 5432)}
    assert {(str(address), port) for address, port in allowlist.addresses} == {("::1", 8080), ("10.0.0.1", None)}
    assert HostAllowlist.parse("") == HostAllowlist()


@pytest.mark.parametrize("entry", ["http://db", "db:0", "db:70000", "db:x", "two words", "[::1", "256.1.1.1"])
def test_a_malformed_allowlist_entry_is_refused(entry: str) -> None:
    with pytest.raises(InvalidHost, match="the tool host allowlist: "):
        HostAllowlist.parse(f"ok.internal, {entry}")
