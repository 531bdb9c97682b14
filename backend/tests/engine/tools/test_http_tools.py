from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from crewloom.engine.runtime import NodeError, NodeLog
from crewloom.engine.tools import ToolSpec, call_http, run_tool
from crewloom.engine.tools.access import ToolAccess
from crewloom.engine.tools.outbound import HostAllowlist
from tests.engine.tools.loopback import Loopback
from tests.engine.tools.recording import Recorded

SECRET = "s3cret-value-123"
# The loopback server of these tests is an internal host: the admin's allowlist lets tools reach it.
LOOPBACK_ALLOWED = "127.0.0.1"


def http_tool(
    url_template: str, secrets: dict[str, str] | None = None, *, allowed_hosts: str = LOOPBACK_ALLOWED, **config: Any
) -> ToolSpec:
    return ToolSpec(
        id=uuid.uuid4(),
        name="Weather",
        description="The weather of a city",
        type="http",
        config={"url_template": url_template, **config},
        secrets=secrets or {},
        access=ToolAccess(allowed_hosts=HostAllowlist.parse(allowed_hosts)),
    )


async def test_get_fills_the_url_template_with_encoded_arguments(loopback: Loopback) -> None:
    recorded = Recorded()
    tool = http_tool(loopback.url + "/echo/{{ city }}?q={{ q }}&n={{ n }}")

    result = await run_tool(tool, {"city": "New York", "q": "a&b=c", "n": "3"}, recorded.reporter("weather"))

    assert result.output["method"] == "GET"
    assert result.output["path"] == "/echo/New%20York"
    assert result.output["query"] == "q=a%26b%3Dc&n=3"
    assert [event.message for event in recorded.of(NodeLog)] == ["Weather: HTTP 200"]


async def test_an_argument_fills_one_path_segment(loopback: Loopback) -> None:
    tool = http_tool(loopback.url + "/{{ path }}")

    result = await run_tool(tool, {"path": "@elsewhere.example/x"}, Recorded().reporter("weather"))

    assert result.output["path"] == "/%40elsewhere.example%2Fx"


async def test_an_argument_cannot_change_the_host(loopback: Loopback) -> None:
    tool = http_tool(loopback.url + "{{ path }}")

    with pytest.raises(NodeError, match="not a valid URL") as failure:
        await run_tool(tool, {"path": "@elsewhere.example/x"}, Recorded().reporter("weather"))

    assert not failure.value.retryable
    assert loopback.requests == []


async def test_post_renders_the_body_template(loopback: Loopback) -> None:
    tool = http_tool(loopback.url + "/echo", method="POST", body_template='{"city": "{{ city }}", "days": {{ days }}}')

    result = await run_tool(tool, {"city": "Paris", "days": "2"}, Recorded().reporter("weather"))

    assert result.output["method"] == "POST"
    assert json.loads(result.output["body"]) == {"city": "Paris", "days": 2}
    assert result.output["headers"]["Content-Type"] == "application/json"


async def test_a_body_that_is_not_json_is_sent_as_text(loopback: Loopback) -> None:
    tool = http_tool(loopback.url + "/echo", method="PUT", body_template="city={{ city }}")

    result = await run_tool(tool, {"city": "Paris"}, Recorded().reporter("weather"))

    assert result.output["body"] == "city=Paris"
    assert result.output["headers"]["Content-Type"] == "text/plain; charset=utf-8"


async def test_post_without_a_body_template_sends_the_arguments_as_json(loopback: Loopback) -> None:
    tool = http_tool(loopback.url + "/echo", method="POST", headers={"Accept": "application/json"})

    result = await run_tool(tool, {"city": "Paris"}, Recorded().reporter("weather"))

    assert json.loads(result.output["body"]) == {"city": "Paris"}
    assert result.output["headers"]["Accept"] == "application/json"


async def test_a_text_response_is_the_output_as_text(loopback: Loopback) -> None:
    result = await run_tool(http_tool(loopback.url + "/text"), {}, Recorded().reporter("weather"))

    assert result.output == "plain words"


async def test_secrets_go_as_headers_and_never_come_back(loopback: Loopback) -> None:
    recorded = Recorded()
    tool = http_tool(loopback.url + "/echo", secrets={"X-Api-Key": SECRET})

    result = await run_tool(tool, {}, recorded.reporter("weather"))

    assert loopback.requests[-1]["headers"]["X-Api-Key"] == SECRET
    assert result.output["headers"]["X-Api-Key"] == "[redacted]"
    assert SECRET not in repr(recorded.events)
    assert SECRET not in repr(tool)


@pytest.mark.parametrize(("status", "retryable"), [(404, False), (429, True), (503, True)])
async def test_a_status_other_than_2xx_is_a_clear_error(loopback: Loopback, status: int, retryable: bool) -> None:
    tool = http_tool(loopback.url + "/status/" + str(status) + "?page=2", secrets={"Authorization": SECRET})

    with pytest.raises(NodeError) as failure:
        await run_tool(tool, {}, Recorded().reporter("weather"))

    message = failure.value.message
    assert message.startswith(f"GET {loopback.url}/status/{status} answered HTTP {status}: refused because")
    assert SECRET not in message
    assert failure.value.retryable is retryable


async def test_a_redirect_without_a_location_is_an_answer(loopback: Loopback) -> None:
    with pytest.raises(NodeError, match="answered HTTP 302"):
        await run_tool(http_tool(loopback.url + "/status/302"), {}, Recorded().reporter("weather"))


async def test_a_loopback_server_is_refused_unless_the_admin_allows_it(loopback: Loopback) -> None:
    port = loopback.url.rpartition(":")[2]

    with pytest.raises(NodeError) as failure:
        await run_tool(http_tool(loopback.url + "/echo", allowed_hosts=""), {}, Recorded().reporter("weather"))

    assert failure.value.message == (
        f"GET http://127.0.0.1:{port}/echo: the tool may not reach 127.0.0.1: a loopback address "
        "(an admin can allow this host)"
    )
    assert not failure.value.retryable
    assert loopback.requests == []


async def test_a_slow_server_times_out(loopback: Loopback) -> None:
    with pytest.raises(NodeError, match=r"/hold: no complete response within 0\.2 s") as failure:
        await call_http(http_tool(loopback.url + "/hold"), {}, time_limit=0.2)

    assert failure.value.retryable


async def test_a_response_over_the_cap_is_refused(loopback: Loopback) -> None:
    with pytest.raises(NodeError, match="the response is larger than 1024 KB"):
        await run_tool(http_tool(loopback.url + "/big"), {}, Recorded().reporter("weather"))


async def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(NodeError, match=r"GET http://127\.0\.0\.1:9/x: ConnectError"):
        await run_tool(http_tool("http://127.0.0.1:9/x"), {}, Recorded().reporter("weather"))


async def test_a_missing_argument_names_the_template(loopback: Loopback) -> None:
    with pytest.raises(NodeError, match="url_template: UndefinedError: 'city' is undefined") as failure:
        await run_tool(http_tool(loopback.url + "/{{ city }}"), {}, Recorded().reporter("weather"))

    assert not failure.value.retryable
    assert loopback.requests == []


async def test_a_url_that_renders_to_another_scheme_is_refused() -> None:
    tool = http_tool("https://{{ host }}/x")

    with pytest.raises(NodeError, match="is not an http:// or https:// URL"):
        await run_tool(tool, {"host": ""}, Recorded().reporter("weather"))


async def test_an_invalid_configuration_is_not_retried() -> None:
    tool = http_tool("ftp://example.com/x")

    with pytest.raises(NodeError, match="invalid configuration: url_template") as failure:
        await run_tool(tool, {}, Recorded().reporter("weather"))

    assert not failure.value.retryable
