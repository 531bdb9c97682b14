"""MCP servers as tools: listing a server's tools, calling one from the test endpoint, a tool node and an agent
in real executions; http servers get the tool's secrets as headers, stdio servers start only in the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewloom.engine.tools import mcp
from tests.agents.factories import create_agent, create_tool
from tests.conftest import Account, Team, make_settings, register
from tests.executions.runs import create_flow, execute, follow, mock_provider, wait_for
from tests.flows.graphs import edge, input_node, node, output_node
from tests.server import running_server
from tests.tools.mcp_servers import STDIO_SERVER, McpServer, closed_port_url

TOOLS = "/api/v1/tools"


@pytest.fixture(scope="module")
def base_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An API whose admin allowed the loopback host, where these tests' MCP servers listen."""
    settings = make_settings(database_url, tmp_path_factory.mktemp("mcp-data"), tool_host_allowlist="127.0.0.1")
    with running_server(settings) as url:
        yield url


SECRET = "mcp-key-5e4d3c2b1a"
ADD_SCHEMA = {
    "type": "object",
    "properties": {"a": {"title": "A", "type": "integer"}, "b": {"title": "B", "type": "integer"}},
    "required": ["a", "b"],
    "title": "addArguments",
}


async def _mcp_tool(
    client: httpx.AsyncClient, account: Account, secrets: dict[str, str] | None = None, **config: Any
) -> str:
    body: dict[str, Any] = {"name": "Toolbox", "type": "mcp", "config": config}
    if secrets is not None:
        body["secrets"] = secrets
    created = await create_tool(client, account, **body)
    return str(created["id"])


async def _listed(client: httpx.AsyncClient, account: Account, tool_id: str) -> httpx.Response:
    return await client.get(f"{TOOLS}/{tool_id}/mcp-tools", headers=account.headers)


async def _test(client: httpx.AsyncClient, account: Account, tool_id: str, arguments: dict[str, Any]) -> httpx.Response:
    return await client.post(f"{TOOLS}/{tool_id}/test", json={"arguments": arguments}, headers=account.headers)


async def test_the_tools_of_an_http_server_are_listed(
    client: httpx.AsyncClient, team: Team, mcp_server: McpServer
) -> None:
    every = await _mcp_tool(client, team.admin, transport="http", url=mcp_server.url)
    some = await _mcp_tool(client, team.admin, transport="http", url=mcp_server.url, tools=["greet"])

    listed = await _listed(client, team.member, every)
    filtered = await _listed(client, team.member, some)

    assert listed.status_code == 200, listed.text
    items = {item["name"]: item for item in listed.json()["items"]}
    assert sorted(items) == ["add", "broken", "greet", "whoami"]
    assert items["add"]["description"] == "Adds two whole numbers"
    assert items["add"]["input_schema"] == ADD_SCHEMA
    assert [item["name"] for item in filtered.json()["items"]] == ["greet"]


async def test_a_server_tool_is_called_with_the_tool_secrets_as_headers(
    client: httpx.AsyncClient, account: Account, mcp_server: McpServer
) -> None:
    tool_id = await _mcp_tool(client, account, {"X-Api-Key": SECRET}, transport="http", url=mcp_server.url)

    added = await _test(client, account, tool_id, {"tool": "add", "a": 2, "b": "3"})
    who = await _test(client, account, tool_id, {"tool": "whoami"})
    broken = await _test(client, account, tool_id, {"tool": "broken"})

    assert added.status_code == 200, added.text
    assert (added.json()["ok"], added.json()["result"]) == (True, {"result": 5})
    assert who.json()["result"] == {"result": "a key came"}
    assert mcp_server.keys_seen == [SECRET]
    assert broken.json()["ok"] is False
    assert broken.json()["error"].startswith("the MCP tool 'broken' of 'Toolbox' answered an error:")
    assert "this tool is broken" in broken.json()["error"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"a": 1, "b": 2}, "arguments.tool"),
        ({"tool": "divide", "a": 1}, "arguments.tool"),
        ({"tool": "add", "a": "one", "b": 2}, "arguments.a"),
    ],
)
async def test_a_bad_call_is_refused_naming_the_argument(
    client: httpx.AsyncClient, account: Account, mcp_server: McpServer, arguments: dict[str, Any], field: str
) -> None:
    tool_id = await _mcp_tool(client, account, transport="http", url=mcp_server.url, tools=["add", "greet"])

    response = await _test(client, account, tool_id, arguments)

    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["detail"]] == [field]


async def test_a_server_that_cannot_be_reached_is_a_bad_gateway(client: httpx.AsyncClient, account: Account) -> None:
    tool_id = await _mcp_tool(client, account, transport="http", url=closed_port_url())

    listed = await _listed(client, account, tool_id)
    tried = await _test(client, account, tool_id, {"tool": "add"})

    assert listed.status_code == 502, listed.text
    assert listed.json()["error"] == "bad_gateway"
    assert listed.json()["detail"].startswith("the MCP server http://127.0.0.1:")
    assert tried.status_code == 502, tried.text


async def test_a_server_that_does_not_answer_is_a_gateway_timeout(
    client: httpx.AsyncClient, account: Account, silent_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mcp, "SESSION_SECONDS", 1.0)
    tool_id = await _mcp_tool(client, account, transport="http", url=silent_server)

    response = await _listed(client, account, tool_id)

    assert response.status_code == 504, response.text
    assert response.json() == {
        "error": "gateway_timeout",
        "detail": f"the MCP server {silent_server} did not answer within 1 s",
    }


async def test_only_mcp_tools_of_the_workspace_are_listed_for_its_editors(
    client: httpx.AsyncClient, team: Team, mcp_server: McpServer
) -> None:
    tool_id = await _mcp_tool(client, team.admin, transport="http", url=mcp_server.url)
    weather = await create_tool(client, team.admin)
    stranger = await register(client)

    assert (await _listed(client, team.viewer, tool_id)).status_code == 403
    assert (await _listed(client, stranger, tool_id)).status_code == 404
    not_mcp = await _listed(client, team.admin, weather["id"])
    assert not_mcp.status_code == 422, not_mcp.text
    assert not_mcp.json()["detail"] == {"field": "type", "message": "a http tool, not an mcp tool"}


async def test_a_tool_node_calls_a_server_tool_in_an_execution(
    client: httpx.AsyncClient, account: Account, mcp_server: McpServer
) -> None:
    tool_id = await _mcp_tool(client, account, transport="http", url=mcp_server.url)
    graph = {
        "nodes": [
            input_node("in", "count"),
            node(
                "sum", "tool", {"tool_id": tool_id, "arguments": {"tool": "add", "a": "{{ inputs.count }}", "b": "2"}}
            ),
            output_node("out", "{{ nodes.sum.output.result }}"),
        ],
        "edges": [edge("in", "sum"), edge("sum", "out")],
    }
    flow_id = await create_flow(client, account, graph)

    done = await wait_for(client, account, (await execute(client, account, flow_id, {"count": "40"}))["id"])

    assert done["status"] == "succeeded", done
    assert done["outputs"] == {"out": "42"}
    assert next(run for run in done["nodes"] if run["node_id"] == "sum")["output"] == {"result": 42}


async def test_an_agent_calls_a_server_tool_in_an_execution(
    client: httpx.AsyncClient, account: Account, mcp_server: McpServer
) -> None:
    tool_id = await _mcp_tool(client, account, transport="http", url=mcp_server.url, tools=["greet"])
    provider = await mock_provider(
        client,
        account,
        responses=[
            # What CrewAI asks once a tool has answered.
            {"match": "Analyze the tool result", "reply": "Thought: I greeted her\nFinal Answer: I said hello to Ada."},
            {"reply": 'Thought: I should greet\nAction: greet\nAction Input: {"name": "Ada"}'},
        ],
    )
    agent = await create_agent(client, account, provider, tool_ids=[tool_id])
    graph = {
        "nodes": [
            input_node("in", "who"),
            node("greeter", "agent", {"agent_id": agent["id"], "task": "Greet {{ inputs.who }}"}),
            output_node("out", "{{ nodes.greeter.output }}"),
        ],
        "edges": [edge("in", "greeter"), edge("greeter", "out")],
    }
    flow_id = await create_flow(client, account, graph)
    started = await execute(client, account, flow_id, {"who": "Ada"})

    done = await wait_for(client, account, started["id"])

    assert done["status"] == "succeeded", done
    assert done["outputs"] == {"out": "I said hello to Ada."}
    events = await follow(client, account, started["id"])
    [called] = [event["data"] for event in events if event["type"] == "tool_called"]
    [returned] = [event["data"] for event in events if event["type"] == "tool_returned"]
    assert (called["tool"], called["arguments"]) == ("greet", {"name": "Ada"})
    assert (returned["tool"], returned["output"]) == ("greet", '{"result": "Hello, Ada!"}')


async def test_a_stdio_server_runs_only_in_the_sandbox(
    client: httpx.AsyncClient, account: Account, tmp_path: Path
) -> None:
    marker = tmp_path / "stdio-server-ran"
    tool_id = await _mcp_tool(
        client, account, transport="stdio", command="python3", args=["-c", STDIO_SERVER, str(marker)]
    )

    listed = await _listed(client, account, tool_id)
    shouted = await _test(client, account, tool_id, {"tool": "shout", "text": "hello"})

    assert listed.status_code == 200, listed.text
    assert [item["name"] for item in listed.json()["items"]] == ["shout"]
    assert shouted.status_code == 200, shouted.text
    assert shouted.json()["result"] == "HELLO"
    assert not marker.exists()


async def test_without_a_sandbox_a_stdio_server_never_starts(
    client: httpx.AsyncClient, account: Account, tmp_path: Path, no_sandbox: None
) -> None:
    marker = tmp_path / "stdio-server-ran"
    tool_id = await _mcp_tool(
        client, account, transport="stdio", command="python3", args=["-c", STDIO_SERVER, str(marker)]
    )

    response = await _listed(client, account, tool_id)

    assert response.status_code == 503, response.text
    assert response.json()["error"] == "sandbox_unavailable"
    assert not marker.exists()
