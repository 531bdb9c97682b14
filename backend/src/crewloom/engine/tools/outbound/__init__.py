"""What tools may reach on the network: public hosts, and internal ones an admin allowed by name."""

from crewloom.engine.tools.outbound.addresses import HostAllowlist, InvalidHost, address_kind, literal_address
from crewloom.engine.tools.outbound.exchange import MAX_REDIRECTS, Fetched, fetch
from crewloom.engine.tools.outbound.guard import GuardedTransport, OutboundGuard, OutboundRefused, Resolve

__all__ = [
    "MAX_REDIRECTS",
    "Fetched",
    "GuardedTransport",
    "HostAllowlist",
    "InvalidHost",
    "OutboundGuard",
    "OutboundRefused",
    "Resolve",
    "address_kind",
    "fetch",
    "literal_address",
]
