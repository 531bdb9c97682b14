"""Regressions for code execution on save, validation and import (as in Langflow's CVE-2025-3248 and Flowise's
CVE-2025-8943): a custom tool's source and an MCP server's command run nowhere when they are saved,
validated or imported, and when a flow is executed or a server's tools listed they run only in the sandbox.
Each piece of code writes a marker file; none may ever appear on the host."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.agents.factories import create_tool
from tests.conftest import Account, register
from tests.executions.runs import detail, execute, wait_for
from tests.flows.graphs import edge, input_node, node, output_node
from tests.tools.mcp_servers import STDIO_SERVER
from tests.transfer.conftest import Project, import_zip

TOOLS = "/api/v1/tools"
FLOWS = "/api/v1/flows"
# Every place in a module where Python runs code when the module is merely loaded, or a function defined.
PLACES = ("module", "decorator", "default", "annotation", "class_body")


def _marker_source(markers: Path) -> str:
    def write(place: str) -> str:
        return f"pathlib.Path({str(markers / place)!r}).write_text('ran')"

    return (
        "import pathlib\n"
        f"{write('module')}\n"
        "\n"
        "def mark(function):\n"
        f"    {write('decorator')}\n"
        "    return function\n"
        "\n"
        "class Settings:\n"
        f"    written = {write('class_body')}\n"
        "\n"
        "@mark\n"
        f"def run(city: {write('annotation')} = {write('default')}) -> str:\n"
        "    return city\n"
    )


@pytest.fixture
def markers(tmp_path: Path) -> Path:
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


@pytest.fixture
def host_marker() -> Iterator[Path]:
    """A marker in the host's own /tmp: a command that ran on the host would leave it there."""
    path = Path(tempfile.gettempdir()) / f"crewloom-marker-{uuid.uuid4().hex}"
    yield path
    path.unlink(missing_ok=True)


def _nothing_ran(markers: Path, host_marker: Path | None = None) -> None:
    assert sorted(path.name for path in markers.iterdir()) == []
    if host_marker is not None:
        assert not host_marker.exists()


def _stdio_config(host_marker: Path) -> dict[str, Any]:
    # The command touches the marker, then serves MCP ("$0" is the server's program, the argument after the
    # script), and the server writes the marker too.
    script = f'touch {host_marker}; exec python3 -c "$0" {host_marker}'
    return {"transport": "stdio", "command": "sh", "args": ["-c", script, STDIO_SERVER]}


async def _tools(client: httpx.AsyncClient, account: Account, markers: Path, host_marker: Path) -> tuple[str, str]:
    custom = await create_tool(
        client,
        account,
        name="Marker",
        type="custom",
        config={"source": _marker_source(markers), "function_name": "run"},
    )
    server = await create_tool(client, account, name="Local MCP", type="mcp", config=_stdio_config(host_marker))
    return str(custom["id"]), str(server["id"])


def _graph(custom_id: str, server_id: str) -> dict[str, Any]:
    return {
        "nodes": [
            input_node("in", "city"),
            node("mark", "tool", {"tool_id": custom_id, "arguments": {"city": "{{ inputs.city }}"}}),
            node("shout", "tool", {"tool_id": server_id, "arguments": {"tool": "shout", "text": "{{ inputs.city }}"}}),
            output_node("out", "{{ nodes.shout.output }}"),
        ],
        "edges": [edge("in", "mark"), edge("mark", "shout"), edge("shout", "out")],
    }


async def test_saving_a_custom_tool_runs_none_of_its_source(
    client: httpx.AsyncClient, account: Account, markers: Path
) -> None:
    body = {"name": "Marker", "type": "custom", "config": {"source": _marker_source(markers), "function_name": "run"}}
    created = await client.post(TOOLS, json=body, headers=account.headers)
    assert created.status_code == 201, created.text
    url = f"{TOOLS}/{created.json()['id']}"
    replaced = await client.put(url, json={**body, "name": "Again", "version": 1}, headers=account.headers)
    assert replaced.status_code == 200, replaced.text
    broken = {**body, "config": {"source": _marker_source(markers) + "def (:\n"}}
    assert (await client.post(TOOLS, json=broken, headers=account.headers)).status_code == 422
    assert (await client.get(url, headers=account.headers)).status_code == 200

    _nothing_ran(markers)


async def test_validating_and_saving_flows_runs_nothing(
    client: httpx.AsyncClient, account: Account, markers: Path, host_marker: Path
) -> None:
    graph = _graph(*await _tools(client, account, markers, host_marker))

    validated = await client.post(f"{FLOWS}/validate", json={"graph": graph}, headers=account.headers)
    created = await client.post(FLOWS, json={"name": "Markers", "graph": graph}, headers=account.headers)
    flow = created.json()
    saved = await client.post(
        f"{FLOWS}/{flow['id']}/versions",
        json={"graph": graph, "message": "again", "version": flow["version"]},
        headers=account.headers,
    )

    assert validated.status_code == 200, validated.text
    assert validated.json()["problems"] == []
    assert created.status_code == 201, created.text
    assert saved.status_code == 201, saved.text
    _nothing_ran(markers, host_marker)


async def test_an_imported_flow_runs_nothing_until_executed_and_then_only_in_the_sandbox(
    client: httpx.AsyncClient, markers: Path, host_marker: Path
) -> None:
    source = await register(client, tenant_name="Source")
    graph = _graph(*await _tools(client, source, markers, host_marker))
    flow = await client.post(FLOWS, json={"name": "Markers", "graph": graph}, headers=source.headers)
    exported = await client.get(f"{FLOWS}/{flow.json()['id']}/export", headers=source.headers)
    target = await register(client, tenant_name="Target")

    imported = await client.post("/api/v1/flows/import", json={"document": exported.json()}, headers=target.headers)

    assert imported.status_code == 201, imported.text
    _nothing_ran(markers, host_marker)
    runs = await client.get("/api/v1/executions", headers=target.headers)
    assert runs.json()["items"] == []
    [server] = [tool for tool in imported.json()["created"]["tools"] if tool["name"] == "Local MCP"]

    # Listing the server's tools starts its command: in the sandbox, where it touches a /tmp of its own.
    listed = await client.get(f"{TOOLS}/{server['id']}/mcp-tools", headers=target.headers)
    assert listed.status_code == 200, listed.text
    assert [item["name"] for item in listed.json()["items"]] == ["shout"]
    _nothing_ran(markers, host_marker)

    started = await execute(client, target, imported.json()["flow_id"], {"city": "Lyon"})
    done = await wait_for(client, target, started["id"])
    # The custom tool ran in the sandbox, which has no folder of the host to write its markers in.
    assert done["status"] == "failed", done
    mark = next(run for run in (await detail(client, target, started["id"]))["nodes"] if run["node_id"] == "mark")
    assert "FileNotFoundError" in mark["error"]
    _nothing_ran(markers, host_marker)


async def test_the_server_command_of_a_flow_runs_only_in_the_sandbox(
    client: httpx.AsyncClient, account: Account, markers: Path, host_marker: Path
) -> None:
    _, server_id = await _tools(client, account, markers, host_marker)
    graph = {
        "nodes": [
            input_node("in", "city"),
            node("shout", "tool", {"tool_id": server_id, "arguments": {"tool": "shout", "text": "{{ inputs.city }}"}}),
            output_node("out", "{{ nodes.shout.output }}"),
        ],
        "edges": [edge("in", "shout"), edge("shout", "out")],
    }
    flow = await client.post(FLOWS, json={"name": "Shout", "graph": graph}, headers=account.headers)

    done = await wait_for(client, account, (await execute(client, account, flow.json()["id"], {"city": "Lyon"}))["id"])

    assert done["status"] == "succeeded", done
    assert done["outputs"] == {"out": "LYON"}
    _nothing_ran(markers, host_marker)


async def test_importing_a_crewai_project_runs_none_of_its_python(
    client: httpx.AsyncClient, account: Account, crewai_project: Project, markers: Path
) -> None:
    tools = crewai_project.root / "src" / crewai_project.package / "tools"
    for module in (tools / "custom_tool.py", crewai_project.root / "src" / crewai_project.package / "crew.py"):
        module.write_text(_marker_source(markers) + module.read_text())

    response = await import_zip(client, account, crewai_project.zipped())

    assert response.status_code == 201, response.text
    _nothing_ran(markers)
