"""The guard every outbound connection of a tool goes through. A host is resolved once, every address it
resolves to is checked, and the connection is made to a checked address (TLS still names the host), so a
DNS answer that changes between the check and the connection cannot lead anywhere unchecked."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from functools import cache
from ipaddress import ip_address

import httpcore
import httpx

from crewloom.engine.tools.outbound.addresses import (
    METADATA,
    METADATA_NAMES,
    HostAllowlist,
    InvalidHost,
    address_kind,
    literal_address,
    normal_host,
)

# The addresses a host name resolves to, for connections to ``port``.
Resolve = Callable[[str, int], Awaitable[list[str]]]


class OutboundRefused(Exception):
    """A tool asked for a host it may not reach."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def resolve_with_system(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    answers = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def _refusal(shown: str, kind: str) -> OutboundRefused:
    return OutboundRefused(f"the tool may not reach {shown}: {kind} (an admin can allow this host)")


class OutboundGuard:
    """Decides which addresses a tool may connect to: public ones, and the hosts of the admin's allowlist."""

    def __init__(self, allowlist: HostAllowlist | None = None, resolve: Resolve = resolve_with_system) -> None:
        self._allowlist = allowlist or HostAllowlist()
        self._resolve = resolve

    async def vet(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``; raises OutboundRefused, or httpcore.ConnectError when the
        name does not resolve."""
        name = normal_host(host)
        try:
            literal = literal_address(name)
        except InvalidHost as exc:
            raise OutboundRefused(f"the tool may not reach {host}: {exc}") from None
        if literal is not None:
            kind = address_kind(literal)
            if kind is not None and not self._allowlist.allows_address(literal, port):
                raise _refusal(str(literal), kind)
            return [str(literal)]
        allowed_name = self._allowlist.allows_name(name, port)
        if name in METADATA_NAMES and not allowed_name:
            raise _refusal(name, METADATA)
        try:
            addresses = await self._resolve(name, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"{name} does not resolve: {exc}") from None
        if not addresses:
            raise httpcore.ConnectError(f"{name} resolves to no address")
        if not allowed_name:
            for answer in addresses:
                address = ip_address(answer)
                kind = address_kind(address)
                if kind is not None and not self._allowlist.allows_address(address, port):
                    raise _refusal(f"{name} ({address})", kind)
        return addresses


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, guard: OutboundGuard) -> None:
        self._guard = guard
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in await self._guard.vet(host, port):
            try:
                return await self._network.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused("the tool may not reach a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


@cache
def _tls_context() -> ssl.SSLContext:
    # Built once: loading the CA bundle is the slow part, and a context is shared safely between connections.
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with every connection made through ``guard``, and no proxy. httpx takes no network
    backend of its own, so the connection pool is made here."""

    def __init__(self, guard: OutboundGuard) -> None:
        self._pool = httpcore.AsyncConnectionPool(ssl_context=_tls_context(), network_backend=_GuardedBackend(guard))
