"""What a run's tools reach, through the API and the in-process dispatcher: file tools work in their tenant's
own workspace under the data directory, and an http tool does not reach the loopback server, which the test
settings do not allow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from crewloom.config import Settings
from tests.conftest import Account, register
from tests.engine.tools.loopback import running_loopback
from tests.executions.runs import create_flow, execute, wait_for
from tests.flows.graphs import edge, input_node, node, output_node
from tests.tools.mcp_servers import McpServer


async def _tool(client: httpx.AsyncClient, account: Account, name: str, kind: str, config: dict[str, Any]) -> str:
    response = await client.post(
        "/api/v1/tools", json={"name": name, "type": kind, "config": config}, headers=account.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _run_tool(
    client: httpx.AsyncClient, account: Account, tool_id: str, arguments: dict[str, str]
) -> dict[str, Any]:
    graph = {
        "nodes": [input_node(), node("use", "tool", {"tool_id": tool_id, "arguments": arguments}), output_node()],
        "edges": [edge("in", "use"), edge("use", "out")],
    }
    started = await execute(client, account, await create_flow(client, account, graph), {"topic": "bees"})
    return await wait_for(client, account, started["id"])


def _file(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


async def test_file_tools_work_in_the_tenants_own_workspace(client: httpx.AsyncClient, settings: Settings) -> None:
    owner, other = await register(client), await register(client)
    writer = await _tool(client, owner, "Write", "builtin", {"tool": "file_writer"})

    done = await _run_tool(client, owner, writer, {"filename": "notes/report.md", "content": "{{ inputs.topic }}"})

    assert done["status"] == "succeeded", done
    workspace = settings.data_dir / "workspaces" / owner.tenant_id
    assert _file(workspace / "notes" / "report.md") == "bees"
    reader = await _tool(client, other, "Read", "builtin", {"tool": "file_read"})
    refused = await _run_tool(client, other, reader, {"file_path": "notes/report.md"})
    assert refused["status"] == "failed"
    [use] = [run for run in refused["nodes"] if run["node_id"] == "use"]
    assert "notes: no such file or directory in the workspace" in use["error"]


async def test_an_http_tool_does_not_reach_a_host_the_admin_did_not_allow(
    client: httpx.AsyncClient, account: Account
) -> None:
    with running_loopback() as loopback:
        tool = await _tool(client, account, "Echo", "http", {"url_template": loopback.url + "/echo"})
        done = await _run_tool(client, account, tool, {})

    assert done["status"] == "failed"
    [use] = [run for run in done["nodes"] if run["node_id"] == "use"]
    assert "the tool may not reach 127.0.0.1: a loopback address (an admin can allow this host)" in use["error"]
    assert loopback.requests == []


async def test_an_mcp_server_on_a_host_the_admin_did_not_allow_is_not_reached(
    client: httpx.AsyncClient, account: Account, mcp_server: McpServer
) -> None:
    tool = await _tool(client, account, "Toolbox", "mcp", {"transport": "http", "url": mcp_server.url})

    listed = await client.get(f"/api/v1/tools/{tool}/mcp-tools", headers=account.headers)
    done = await _run_tool(client, account, tool, {"tool": "add", "a": "1", "b": "2"})

    assert listed.status_code == 502, listed.text
    assert "the tool may not reach 127.0.0.1: a loopback address" in listed.json()["detail"]
    assert done["status"] == "failed"
    [use] = [run for run in done["nodes"] if run["node_id"] == "use"]
    assert "the tool may not reach 127.0.0.1: a loopback address" in use["error"]
