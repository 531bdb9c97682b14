"""One bounded HTTP exchange of a tool through the outbound guard: a time limit for the whole of it, a capped
body, and a few redirects followed by hand, each one guarded again. Once a redirect leaves the origin of the
request, the tool's secret headers are no longer sent."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import httpx

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.outbound.guard import GuardedTransport, OutboundGuard, OutboundRefused

MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        return self.body.decode(self.charset or "utf-8", errors="replace")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _redirect_method(status: int, method: str) -> str:
    # As browsers do: 303 always becomes a GET, 301 and 302 turn a POST into one; 307 and 308 keep the request.
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        return "GET"
    return method


async def _read_capped(response: httpx.Response, max_bytes: int, where: str) -> bytes:
    received = bytearray()
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) > max_bytes:
            raise NodeError(f"{where}: the response is larger than {max_bytes // 1024} KB", retryable=False)
    return bytes(received)


@dataclass
class _Request:
    method: str
    url: httpx.URL
    headers: dict[str, str]
    content: bytes | None


def _next_request(
    request: _Request, status: int, location: str, secret_headers: Collection[str], where: str
) -> _Request:
    target = request.url.join(location)
    if target.scheme not in ("http", "https"):
        raise NodeError(f"{where}: redirected to {target}, which is not an http:// or https:// URL", retryable=False)
    headers = dict(request.headers)
    if _origin(target) != _origin(request.url):
        secret = {name.lower() for name in secret_headers}
        headers = {name: value for name, value in headers.items() if name.lower() not in secret}
    method = _redirect_method(status, request.method)
    if method != request.method:
        headers = {name: value for name, value in headers.items() if name.lower() != "content-type"}
        return _Request(method, target, headers, None)
    return _Request(method, target, headers, request.content)


async def _exchange(
    client: httpx.AsyncClient,
    request: _Request,
    *,
    secret_headers: Collection[str],
    max_bytes: int,
    max_redirects: int,
    where: str,
) -> Fetched:
    for hop in range(max_redirects + 1):
        via = f" (redirected to {request.url.scheme}://{request.url.netloc.decode()})" if hop else ""
        try:
            response = await client.send(
                client.build_request(request.method, request.url, content=request.content, headers=request.headers),
                stream=True,
            )
        except OutboundRefused as exc:
            raise NodeError(f"{where}{via}: {exc.message}", retryable=False) from None
        try:
            location = response.headers.get("location")
            if response.status_code not in _REDIRECT_STATUSES or not location:
                body = await _read_capped(response, max_bytes, where)
                return Fetched(
                    url=str(request.url),
                    status=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    charset=response.charset_encoding,
                    body=body,
                )
        finally:
            await response.aclose()
        request = _next_request(request, response.status_code, location, secret_headers, where)
    raise NodeError(f"{where}: more than {max_redirects} redirects", retryable=False)


async def fetch(
    method: str,
    url: str,
    *,
    guard: OutboundGuard,
    headers: Mapping[str, str],
    secret_headers: Collection[str] = (),
    content: bytes | None = None,
    time_limit: float,
    max_bytes: int,
    max_redirects: int = MAX_REDIRECTS,
    where: str,
) -> Fetched:
    """The final response of ``method url``, whatever its status; a failure is a NodeError starting with
    ``where``. ``secret_headers`` names the headers that go only to the origin of ``url``."""
    # Without the environment: neither the server's proxy settings nor its .netrc apply to a tenant's calls.
    async with httpx.AsyncClient(
        transport=GuardedTransport(guard), timeout=time_limit, follow_redirects=False, trust_env=False
    ) as client:
        try:
            target = httpx.URL(url)
            if target.scheme not in ("http", "https"):
                raise NodeError(f"{where}: not an http:// or https:// URL", retryable=False)
            async with asyncio.timeout(time_limit):
                return await _exchange(
                    client,
                    _Request(method, target, dict(headers), content),
                    secret_headers=secret_headers,
                    max_bytes=max_bytes,
                    max_redirects=max_redirects,
                    where=where,
                )
        except httpx.InvalidURL as exc:
            raise NodeError(f"{where}: not a valid URL: {exc}", retryable=False) from None
        except (TimeoutError, httpx.TimeoutException):
            raise NodeError(f"{where}: no complete response within {time_limit:g} s") from None
        except httpx.HTTPError as exc:
            raise NodeError(f"{where}: {type(exc).__name__}: {exc}") from None
