"""Which addresses a tool may reach. Every spelling of a host is read as the address it means (decimal, hex,
octal and short IPv4 forms, IPv6 with IPv4 inside), and each address off the public internet is named for
what it is, so that a refusal says why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address

LOOPBACK = "a loopback address"
PRIVATE = "a private address"
LINK_LOCAL = "a link-local address"
METADATA = "a cloud metadata address"
UNSPECIFIED = "an unspecified address"
MULTICAST = "a multicast address"
RESERVED = "a reserved address"

# Names that reach a cloud provider's instance metadata from inside its network.
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "metadata", "instance-data.ec2.internal"})

_IPV4_KINDS: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), kind)
    for network, kind in (
        # AWS, GCP, Azure and OpenStack metadata; ECS task metadata; Azure's WireServer; Alibaba's metadata.
        ("169.254.169.254/32", METADATA),
        ("169.254.170.2/32", METADATA),
        ("168.63.129.16/32", METADATA),
        ("100.100.100.200/32", METADATA),
        ("0.0.0.0/8", UNSPECIFIED),
        ("127.0.0.0/8", LOOPBACK),
        ("169.254.0.0/16", LINK_LOCAL),
        ("10.0.0.0/8", PRIVATE),
        ("172.16.0.0/12", PRIVATE),
        ("192.168.0.0/16", PRIVATE),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("224.0.0.0/4", MULTICAST),
        ("240.0.0.0/4", RESERVED),
    )
)
_IPV6_KINDS: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), kind)
    for network, kind in (
        ("fd00:ec2::254/128", METADATA),
        ("fc00::/7", "a unique-local address"),
        ("fe80::/10", LINK_LOCAL),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", MULTICAST),
        # Teredo hides the IPv4 address it leads to; local-use NAT64 translates into a private network.
        ("2001::/32", "a Teredo tunnel address"),
        ("64:ff9b:1::/48", RESERVED),
    )
)
# Prefixes whose last 32 bits are an IPv4 address the packet ends up at: IPv4-compatible, IPv4-translated
# (RFC 2765) and NAT64's well-known prefix. IPv4-mapped and 6to4 are read by the ipaddress module.
_IPV4_INSIDE = tuple(ip_network(network) for network in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96"))

_NUMBER = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$"
)


class InvalidHost(ValueError):
    """A host that is neither a valid name nor a valid address."""


def normal_host(host: str) -> str:
    """``host`` as compared and resolved: lower case, without IPv6 brackets nor the root's trailing dot."""
    return host.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()


def _ipv4_number(label: str) -> int:
    if label.startswith("0x"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        try:
            return int(label, 8)
        except ValueError:
            raise InvalidHost(f"{label!r} is not an octal number") from None
    return int(label)


def _legacy_ipv4(host: str) -> IPv4Address | None:
    """The address of an IPv4 host in any of the forms inet_aton and URL parsers accept (2130706433,
    0x7f000001, 0177.0.0.1, 127.1), or None when ``host`` is a name. A host whose labels are all numbers is
    an address or invalid, never a name."""
    labels = host.split(".")
    if not all(_NUMBER.match(label) for label in labels):
        return None
    if len(labels) > 4:
        raise InvalidHost(f"{host!r} has more than four numbers")
    numbers = [_ipv4_number(label) for label in labels]
    *leading, last = numbers
    if any(number > 0xFF for number in leading) or last >= 1 << (8 * (5 - len(numbers))):
        raise InvalidHost(f"{host!r} is out of the IPv4 range")
    value = last
    for position, number in enumerate(leading):
        value |= number << (8 * (3 - position))
    return IPv4Address(value)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells (already normalised), or None when it is a name."""
    try:
        return ip_address(host)
    except ValueError:
        pass
    if ":" in host:
        raise InvalidHost(f"{host!r} is not a valid IPv6 address")
    return _legacy_ipv4(host)


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address (other than :: and ::1) leads to, for the forms that carry one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _IPV4_INSIDE):
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address: IPAddress) -> str | None:
    """What ``address`` is when it is not on the public internet (e.g. "a loopback address"), else None."""
    if isinstance(address, IPv6Address):
        if int(address) <= 1:
            return LOOPBACK if int(address) else UNSPECIFIED
        inside = _embedded_ipv4(address)
        if inside is not None:
            return address_kind(inside)
        kinds: tuple[tuple[IPv4Network | IPv6Network, str], ...] = _IPV6_KINDS
    else:
        kinds = _IPV4_KINDS
    for network, kind in kinds:
        if address in network:
            return kind
    # Documentation, benchmarking and protocol-assignment ranges, and whatever is not globally routed.
    return None if address.is_global else RESERVED


def _split_entry(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise InvalidHost(f"{entry!r} is not a host or host:port")
        port_text = rest[1:] if rest else None
    elif entry.count(":") == 1:
        host, _, port_text = entry.partition(":")
    else:
        host, port_text = entry, None
    if port_text is None:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 1 << 16:
        raise InvalidHost(f"{entry!r} has no valid port")
    return host, int(port_text)


@dataclass(frozen=True)
class HostAllowlist:
    """Internal hosts an admin lets tools reach: names (whatever they resolve to) and addresses, each on any
    port or on one."""

    names: frozenset[tuple[str, int | None]] = field(default_factory=frozenset)
    addresses: frozenset[tuple[IPAddress, int | None]] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, text: str) -> HostAllowlist:
        """From "host, host:port, [v6]:port, ..."; raises InvalidHost naming a malformed entry."""
        names: set[tuple[str, int | None]] = set()
        addresses: set[tuple[IPAddress, int | None]] = set()
        for entry in filter(None, (part.strip() for part in text.split(","))):
            try:
                raw_host, port = _split_entry(entry)
                host = normal_host(raw_host)
                address = literal_address(host)
            except InvalidHost as exc:
                raise InvalidHost(f"the tool host allowlist: {exc}") from None
            if address is not None:
                addresses.add((address, port))
            elif _NAME.match(host):
                names.add((host, port))
            else:
                raise InvalidHost(f"the tool host allowlist: {entry!r} is not a host or host:port")
        return cls(frozenset(names), frozenset(addresses))

    def allows_name(self, name: str, port: int) -> bool:
        return (name, None) in self.names or (name, port) in self.names

    def allows_address(self, address: IPAddress, port: int) -> bool:
        return (address, None) in self.addresses or (address, port) in self.addresses
