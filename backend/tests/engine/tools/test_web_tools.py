"""The built-in website tools fetch through the outbound guard, and every catalogue entry whose files or
network access cannot be confined is refused rather than run."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest

from crewloom.engine.bridge import run_agent_task
from crewloom.engine.runtime import NodeError, ToolReturned
from crewloom.engine.tools import ToolSpec, run_tool
from crewloom.engine.tools.access import ToolAccess
from crewloom.engine.tools.builtin import FILE_TOOLS, WEB_TOOLS
from crewloom.engine.tools.outbound import HostAllowlist
from crewloom.tools.catalogue import catalogue
from tests.engine.bridge.scripted import ScriptedComplete, action, agent, final
from tests.engine.tools.loopback import Loopback
from tests.engine.tools.recording import Recorded

ALLOWED = "(an admin can allow this host)"


def web_tool(name: str, *, allowed_hosts: str = "", **settings: Any) -> ToolSpec:
    return ToolSpec(
        id=uuid.uuid4(),
        name="Web",
        description="",
        type="builtin",
        config={"tool": name, "settings": settings},
        access=ToolAccess(allowed_hosts=HostAllowlist.parse(allowed_hosts)),
    )


async def call(tool: ToolSpec, **arguments: Any) -> Any:
    return (await run_tool(tool, arguments, Recorded().reporter("web"))).output


async def refusal(tool: ToolSpec, **arguments: Any) -> NodeError:
    with pytest.raises(NodeError) as failure:
        await call(tool, **arguments)
    return failure.value


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254: a cloud metadata address"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal: a cloud metadata address"),
        ("http://[fd00:ec2::254]/latest/", "fd00:ec2::254: a cloud metadata address"),
        ("http://localhost:5432/", "localhost (127.0.0.1): a loopback address"),
        ("http://2130706433:5432/", "127.0.0.1: a loopback address"),
        ("http://192.168.0.1/admin", "192.168.0.1: a private address"),
    ],
)
@pytest.mark.parametrize("name", sorted(WEB_TOOLS))
async def test_a_website_tool_refuses_internal_addresses(name: str, url: str, refused: str) -> None:
    failure = await refusal(web_tool(name), website_url=url, css_element="p")

    assert failure.message.endswith(f"the tool may not reach {refused} {ALLOWED}")
    assert not failure.retryable


async def test_a_website_tool_does_not_reach_the_loopback_server_unless_allowed(loopback: Loopback) -> None:
    failure = await refusal(web_tool("scrape_website"), website_url=loopback.url + "/page")

    assert failure.message.endswith(f"the tool may not reach 127.0.0.1: a loopback address {ALLOWED}")
    assert loopback.requests == []


async def test_a_website_is_read_as_text(loopback: Loopback) -> None:
    text = await call(web_tool("scrape_website", allowed_hosts="127.0.0.1"), website_url=loopback.url + "/page")

    assert text.startswith("The following text is scraped website content:")
    assert "Bees" in text
    assert "A hive holds 40000 bees." in text


async def test_the_elements_a_selector_matches_are_read(loopback: Loopback) -> None:
    tool = web_tool("scrape_element_from_website", allowed_hosts="127.0.0.1")

    text = await call(tool, website_url=loopback.url + "/page", css_element="p.fact")

    assert text == "Bees make honey.\nA hive holds 40000 bees."


async def test_a_bound_website_cannot_be_swapped_by_the_caller(loopback: Loopback) -> None:
    tool = web_tool("scrape_website", allowed_hosts="127.0.0.1", website_url=loopback.url + "/page")

    text = await call(tool, website_url="http://169.254.169.254/latest/meta-data/")

    assert "Bees make honey." in text
    assert [request["path"] for request in loopback.requests] == ["/page"]


async def test_a_redirect_to_the_metadata_service_is_refused(loopback: Loopback) -> None:
    url = loopback.url + "/redirect?to=" + quote("http://169.254.169.254/latest/meta-data/", safe="")

    failure = await refusal(web_tool("scrape_website", allowed_hosts="127.0.0.1"), website_url=url)

    assert "(redirected to http://169.254.169.254): the tool may not reach 169.254.169.254" in failure.message


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"])
async def test_a_url_that_is_not_http_is_refused(url: str) -> None:
    failure = await refusal(web_tool("scrape_website", allowed_hosts="127.0.0.1"), website_url=url)

    assert failure.message.endswith("not an http:// or https:// URL")


async def test_a_page_that_fails_is_a_clear_error(loopback: Loopback) -> None:
    failure = await refusal(
        web_tool("scrape_website", allowed_hosts="127.0.0.1"), website_url=loopback.url + "/status/404"
    )

    assert failure.message == f"GET {loopback.url}/status/404 answered HTTP 404"


async def test_an_agent_told_to_read_the_metadata_service_gets_the_refusal() -> None:
    complete = ScriptedComplete(
        {
            "m": [
                action("web", json.dumps({"website_url": "http://169.254.169.254/latest/"})),
                final("I may not read it"),
            ]
        }
    )
    recorded = Recorded()

    result = await run_agent_task(
        agent("reader", "m", tools=[web_tool("scrape_website")]),
        "Read the metadata",
        "",
        complete=complete,
        reporter=recorded.reporter("read"),
    )

    assert result.output == "I may not read it"
    [returned] = recorded.of(ToolReturned)
    assert "the tool may not reach 169.254.169.254: a cloud metadata address" in returned.output


UNCONFINED = sorted(entry.name for entry in catalogue().items if entry.name not in FILE_TOOLS | WEB_TOOLS)


def test_the_unconfined_entries_are_the_search_and_serper_tools() -> None:
    assert UNCONFINED == [
        "csv_search",
        "directory_search",
        "json_search",
        "serper_dev_search",
        "serper_scrape_website",
        "txt_search",
        "website_search",
    ]


@pytest.mark.parametrize("name", UNCONFINED)
async def test_every_entry_that_cannot_be_confined_is_refused(name: str) -> None:
    failure = await refusal(web_tool(name, allowed_hosts="127.0.0.1"), search_query="bees")

    assert failure.message.startswith(f"the {name} built-in tool ")
    assert "so it does not run here" in failure.message or "cannot run with this tool's own secrets" in failure.message
    assert not failure.retryable
