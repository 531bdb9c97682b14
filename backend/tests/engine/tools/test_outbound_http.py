"""Outbound HTTP of tools over real sockets: internal addresses refused in every spelling before any byte is
sent, redirects followed a few hops and guarded at each, secret headers kept to the request's origin, and the
connection made to the very address that was checked."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import pytest

from crewloom.engine.runtime import NodeError
from crewloom.engine.tools import ToolSpec, run_tool
from crewloom.engine.tools.access import ToolAccess
from crewloom.engine.tools.outbound import MAX_REDIRECTS, HostAllowlist, OutboundGuard, fetch
from tests.engine.tools.loopback import Loopback
from tests.engine.tools.recording import Recorded

SECRET = "k-5e7a90d2"
ALLOWED = "(an admin can allow this host)"


def http_tool(url: str, *, allowed_hosts: str = "", **config: Any) -> ToolSpec:
    return ToolSpec(
        id=uuid.uuid4(),
        name="Fetch",
        description="",
        type="http",
        config={"url_template": url, **config},
        secrets={"X-Api-Key": SECRET},
        access=ToolAccess(allowed_hosts=HostAllowlist.parse(allowed_hosts)),
    )


async def failure_of(tool: ToolSpec) -> NodeError:
    with pytest.raises(NodeError) as failure:
        await run_tool(tool, {}, Recorded().reporter("fetch"))
    return failure.value


def port_of(server: Loopback) -> str:
    return server.url.rpartition(":")[2]


LOCALHOST = "the tool may not reach localhost ("


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("127.0.0.1", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("127.0.0.1.", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("2130706433", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("0x7f000001", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("0x7f.0.0.1", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("0x7f.1", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("017700000001", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        # httpx itself refuses a dotted quad with leading zeros.
        ("0177.0.0.1", "not a valid URL: Invalid IPv4 address: '0177.0.0.1'"),
        ("127.1", f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}"),
        ("[::1]", f"the tool may not reach ::1: a loopback address {ALLOWED}"),
        ("[::ffff:127.0.0.1]", f"the tool may not reach ::ffff:7f00:1: a loopback address {ALLOWED}"),
        ("localhost", LOCALHOST),
        ("LocalHost.", LOCALHOST),
        ("0.0.0.0", f"the tool may not reach 0.0.0.0: an unspecified address {ALLOWED}"),  # noqa: S104 - refused
        ("[::]", f"the tool may not reach ::: an unspecified address {ALLOWED}"),
    ],
)
async def test_the_loopback_server_is_not_reached_in_any_spelling(loopback: Loopback, host: str, refused: str) -> None:
    failure = await failure_of(http_tool(f"http://{host}:{port_of(loopback)}/echo"))

    assert refused in failure.message
    if refused == LOCALHOST:
        # localhost resolves to 127.0.0.1, ::1 or both, in an order of the system's.
        assert failure.message.endswith(f"): a loopback address {ALLOWED}")
    assert not failure.retryable
    assert loopback.requests == []


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254: a cloud metadata address"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254: a cloud metadata address"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal: a cloud metadata address"),
        ("http://10.0.0.1:8080/admin", "10.0.0.1: a private address"),
        ("http://100.64.1.1/", "100.64.1.1: a carrier-grade NAT address"),
        ("http://[fe80::1]/", "fe80::1: a link-local address"),
    ],
)
async def test_internal_services_are_refused(url: str, refused: str) -> None:
    failure = await failure_of(http_tool(url))

    assert failure.message.endswith(f"the tool may not reach {refused} {ALLOWED}")
    assert not failure.retryable


async def test_a_same_origin_redirect_is_followed_with_the_secret(loopback: Loopback) -> None:
    result = await run_tool(
        http_tool(loopback.url + "/redirect?to=/echo", allowed_hosts="127.0.0.1"), {}, Recorded().reporter("fetch")
    )

    assert result.output["path"] == "/echo"
    assert [request["headers"].get("X-Api-Key") for request in loopback.requests] == [SECRET, SECRET]
    assert result.output["headers"]["X-Api-Key"] == "[redacted]"


async def test_the_secret_is_not_sent_once_a_redirect_leaves_the_origin(
    loopback: Loopback, second_loopback: Loopback
) -> None:
    tool = http_tool(
        loopback.url + "/redirect?to=" + quote(second_loopback.url + "/echo", safe=""),
        allowed_hosts="127.0.0.1",
        headers={"Accept": "application/json"},
    )

    result = await run_tool(tool, {}, Recorded().reporter("fetch"))

    assert loopback.requests[0]["headers"]["X-Api-Key"] == SECRET
    [arrived] = second_loopback.requests
    assert "X-Api-Key" not in arrived["headers"]
    assert arrived["headers"]["Accept"] == "application/json"
    assert result.output["path"] == "/echo"


@pytest.mark.parametrize(
    ("target", "refused"),
    [
        ("http://127.0.0.2:{port}/echo", "127.0.0.2: a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254: a cloud metadata address"),
        ("http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe: a cloud metadata address"),
        ("http://0x7f000002:{port}/echo", "127.0.0.2: a loopback address"),
    ],
)
async def test_a_redirect_to_an_internal_address_is_refused(loopback: Loopback, target: str, refused: str) -> None:
    to = target.format(port=port_of(loopback))
    tool = http_tool(loopback.url + "/redirect?to=" + quote(to, safe=""), allowed_hosts="127.0.0.1")

    failure = await failure_of(tool)

    assert failure.message.startswith(f"GET {loopback.url}/redirect (redirected to http://")
    assert f"the tool may not reach {refused}" in failure.message
    assert not failure.retryable
    assert len(loopback.requests) == 1


async def test_redirects_are_bounded(loopback: Loopback) -> None:
    failure = await failure_of(http_tool(loopback.url + "/redirect", allowed_hosts="127.0.0.1"))

    assert failure.message == f"GET {loopback.url}/redirect: more than {MAX_REDIRECTS} redirects"
    assert len(loopback.requests) == MAX_REDIRECTS + 1


async def test_a_redirect_to_another_scheme_is_refused(loopback: Loopback) -> None:
    tool = http_tool(loopback.url + "/redirect?to=file:///etc/passwd", allowed_hosts="127.0.0.1")

    failure = await failure_of(tool)

    assert failure.message == (
        f"GET {loopback.url}/redirect: redirected to file:/etc/passwd, which is not an http:// or https:// URL"
    )


@pytest.mark.parametrize(("status", "method", "body"), [(303, "GET", ""), (302, "GET", ""), (307, "POST", '{"a": 1}')])
async def test_a_redirected_post_is_sent_as_the_status_says(
    loopback: Loopback, status: int, method: str, body: str
) -> None:
    tool = http_tool(
        loopback.url + f"/redirect?status={status}&to=/echo",
        allowed_hosts="127.0.0.1",
        method="POST",
        body_template='{"a": 1}',
    )

    result = await run_tool(tool, {}, Recorded().reporter("fetch"))

    assert (result.output["method"], result.output["body"]) == (method, body)


async def test_an_allowed_name_is_reached_on_an_address_it_resolves_to(loopback: Loopback) -> None:
    # Where localhost also resolves to ::1, nothing listens there: the next address is tried.
    tool = http_tool(f"http://localhost:{port_of(loopback)}/echo", allowed_hosts="localhost")

    result = await run_tool(tool, {}, Recorded().reporter("fetch"))

    assert result.output["headers"]["Host"] == f"localhost:{port_of(loopback)}"


async def test_the_connection_goes_to_the_address_that_was_checked(loopback: Loopback) -> None:
    answers = [["127.0.0.1"]]

    async def rebinding(host: str, port: int) -> list[str]:
        # A second lookup would lead to the metadata service.
        return answers.pop() if answers else ["169.254.169.254"]

    guard = OutboundGuard(HostAllowlist.parse("127.0.0.1"), resolve=rebinding)
    url = f"http://service.test:{port_of(loopback)}/echo"

    fetched = await fetch("GET", url, guard=guard, headers={}, time_limit=10, max_bytes=65536, where="GET service.test")

    assert fetched.status == 200
    assert answers == []
    [arrived] = loopback.requests
    assert arrived["headers"]["Host"] == f"service.test:{port_of(loopback)}"


async def test_the_next_checked_address_is_tried_when_one_refuses_the_connection(loopback: Loopback) -> None:
    async def two_addresses(host: str, port: int) -> list[str]:
        # Nothing listens on ::1 at this port.
        return ["::1", "127.0.0.1"]

    guard = OutboundGuard(HostAllowlist.parse("service.test"), resolve=two_addresses)
    url = f"http://service.test:{port_of(loopback)}/echo"

    fetched = await fetch("GET", url, guard=guard, headers={}, time_limit=10, max_bytes=65536, where="GET service.test")

    assert fetched.status == 200
    assert len(loopback.requests) == 1
