"""Flow documents: export with everything a flow uses (never a key), import into another workspace with
ids rewritten, providers mapped or created keyless, and nothing in the document ever run."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.agents.factories import audit_events, create_agent, create_crew, create_tool, fields
from tests.conftest import Account, Team, register
from tests.flows.graphs import edge, input_node, node, output_node

SECRET = "sk-live-NEVER-EXPORTED-0123456789"
TOOL_SECRET = "tok-NEVER-EXPORTED-abcdef987654"
_VOLATILE = {"id", "version", "created_by", "created_at", "updated_at"}


async def _json(client: httpx.AsyncClient, account: Account, path: str) -> Any:
    response = await client.get(path, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _marker_source(markers: Path) -> str:
    return (
        "import pathlib\n"
        f"pathlib.Path({str(markers / 'module')!r}).write_text('ran')\n"
        "\n"
        "def mark(function):\n"
        f"    pathlib.Path({str(markers / 'decorator')!r}).write_text('ran')\n"
        "    return function\n"
        "\n"
        "@mark\n"
        f"def run(city: str = pathlib.Path({str(markers / 'default')!r}).write_text('ran')) -> str:\n"
        "    return city\n"
    )


async def _source_flow(client: httpx.AsyncClient, owner: Account, markers: Path) -> dict[str, Any]:
    """A flow using an LLM node, an agent, a crew and tools, built in ``owner``'s workspace."""
    providers = await _json(client, owner, "/api/v1/llm-providers?limit=200")
    mock = next(item["id"] for item in providers["items"] if item["type"] == "mock")
    created = await client.post(
        "/api/v1/llm-providers",
        json={"name": "OpenAI", "type": "openai", "default_model": "gpt-4o-mini", "api_key": SECRET},
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    openai = created.json()["id"]
    weather = await create_tool(client, owner, secrets={"API_TOKEN": TOOL_SECRET})
    custom = await create_tool(
        client,
        owner,
        name="Marker",
        type="custom",
        config={"source": _marker_source(markers), "function_name": "run"},
    )
    mcp = await create_tool(
        client,
        owner,
        name="Local MCP",
        type="mcp",
        config={"transport": "stdio", "command": "sh", "args": ["-c", f"touch {markers / 'mcp'}"]},
    )
    tool_ids = [weather["id"], custom["id"], mcp["id"]]
    researcher = await create_agent(client, owner, openai, model="gpt-4o-mini", tool_ids=tool_ids, temperature=0.3)
    writer = await create_agent(client, owner, mock, name="Writer", role="Writer")
    crew = await create_crew(client, owner, [researcher["id"], writer["id"]])
    graph = {
        "nodes": [
            input_node("in", "topic", "audience"),
            node("ask", "llm", {"provider_id": openai, "model": "gpt-4o-mini", "prompt": "About {{ inputs.topic }}"}),
            node("solo", "agent", {"agent_id": writer["id"], "task": "Summarise {{ nodes.ask.output }}"}),
            node(
                "team",
                "crew",
                {
                    "crew_id": crew["id"],
                    "inputs": {"topic": "{{ inputs.topic }}", "audience": "{{ inputs.audience }}"},
                },
            ),
            node("call", "tool", {"tool_id": weather["id"], "arguments": {"city": "{{ inputs.topic }}"}}),
            output_node("out", "{{ nodes.team.output }} {{ nodes.call.output }} {{ nodes.solo.output }}"),
        ],
        "edges": [
            edge("in", "ask"),
            edge("ask", "solo"),
            edge("solo", "team"),
            edge("team", "call"),
            edge("call", "out"),
        ],
        "settings": {"failure_policy": "stop"},
    }
    flow = await client.post(
        "/api/v1/flows",
        json={"name": "Research", "description": "Full", "tags": ["news"], "graph": graph},
        headers=owner.headers,
    )
    assert flow.status_code == 201, flow.text
    assert flow.json()["problems"] == []
    return {"flow": flow.json(), "openai": openai, "mock": mock, "crew": crew["id"]}


def _no_marker(markers: Path) -> None:
    assert sorted(path.name for path in markers.iterdir()) == []


@pytest.fixture
def markers(tmp_path: Path) -> Path:
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


async def _export(client: httpx.AsyncClient, account: Account, flow_id: str, **params: Any) -> httpx.Response:
    return await client.get(f"/api/v1/flows/{flow_id}/export", params=params, headers=account.headers)


async def _import(client: httpx.AsyncClient, account: Account, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/api/v1/flows/import", json=body, headers=account.headers)


def _definition(item: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """A resource's fields with the volatile ones left out and every known id translated."""

    def translated(value: Any) -> Any:
        if isinstance(value, str):
            return ids.get(value, value)
        if isinstance(value, list):
            return [translated(entry) for entry in value]
        if isinstance(value, dict):
            return {key: translated(entry) for key, entry in value.items()}
        return value

    return {key: translated(value) for key, value in item.items() if key not in _VOLATILE}


async def test_a_flow_moves_to_another_workspace_with_everything_it_uses(
    client: httpx.AsyncClient, markers: Path
) -> None:
    source = await register(client, tenant_name="Source")
    built = await _source_flow(client, source, markers)
    exported = await _export(client, source, built["flow"]["id"])
    assert exported.status_code == 200, exported.text
    assert SECRET not in exported.text
    assert SECRET[-4:] not in exported.text
    assert TOOL_SECRET not in exported.text
    document = exported.json()
    assert (document["format"], document["format_version"]) == ("crewloom.flow", 1)
    assert (document["flow"]["name"], document["flow"]["tags"]) == ("Research", ["news"])
    assert {provider["ref"] for provider in document["providers"]} == {built["openai"], built["mock"]}
    for provider in document["providers"]:
        assert set(provider) == {"ref", "name", "description", "tags", "type", "base_url", "default_model", "options"}
    assert [tool["secret_names"] for tool in document["tools"]] == [["API_TOKEN"], [], []]
    assert len(document["agents"]) == 2
    assert [crew["ref"] for crew in document["crews"]] == [built["crew"]]

    target = await register(client, tenant_name="Target")
    response = await _import(client, target, {"document": document})
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["version"] == 1
    assert result["problems"] == []
    assert [(item["ref"], item["has_api_key"]) for item in result["created"]["providers"]] == [(built["openai"], False)]
    assert [(item["ref"], item["by"]) for item in result["mapped"]["providers"]] == [(built["mock"], "name_and_type")]
    assert [item["missing_secrets"] for item in result["created"]["tools"]] == [["API_TOKEN"], [], []]
    ids = {
        item["ref"]: item["id"]
        for group in ("providers", "tools", "agents", "crews")
        for item in result["created"][group]
    }
    ids |= {item["ref"]: item["id"] for item in result["mapped"]["providers"]}
    created_provider = await _json(client, target, f"/api/v1/llm-providers/{ids[built['openai']]}")
    assert created_provider["has_api_key"] is False

    before = await _json(client, source, f"/api/v1/flows/{built['flow']['id']}")
    after = await _json(client, target, f"/api/v1/flows/{result['flow_id']}")
    assert after["graph"] == _definition(before, ids)["graph"]
    assert (after["name"], after["description"], after["tags"], after["latest_version"]) == (
        "Research",
        "Full",
        ["news"],
        1,
    )
    versions = await _json(client, target, f"/api/v1/flows/{result['flow_id']}/versions")
    assert [version["message"] for version in versions["items"]] == ["Imported"]
    for kind, path in (("agents", "agents"), ("crews", "crews"), ("tools", "tools")):
        for doc in document[kind]:
            original = await _json(client, source, f"/api/v1/{path}/{doc['ref']}")
            copied = await _json(client, target, f"/api/v1/{path}/{ids[doc['ref']]}")
            if kind == "tools":
                original["secret_names"] = []
            assert _definition(copied, {}) == _definition(original, ids)
    events = await audit_events(client, target, "flow")
    assert any(event["action"] == "flow.import" and event["resource_id"] == result["flow_id"] for event in events)
    _no_marker(markers)


async def test_secrets_can_be_given_with_the_import(client: httpx.AsyncClient, markers: Path) -> None:
    source = await register(client, tenant_name="Source")
    built = await _source_flow(client, source, markers)
    document = (await _export(client, source, built["flow"]["id"])).json()
    weather = document["tools"][0]["ref"]
    response = await _import(
        client, await register(client), {"document": document, "secrets": {weather: {"API_TOKEN": "fresh-token"}}}
    )
    assert response.status_code == 201, response.text
    assert [item["missing_secrets"] for item in response.json()["created"]["tools"]] == [[], [], []]


async def test_importing_into_the_same_workspace_maps_its_providers(
    client: httpx.AsyncClient, account: Account, markers: Path
) -> None:
    built = await _source_flow(client, account, markers)
    document = (await _export(client, account, built["flow"]["id"])).json()
    response = await _import(client, account, {"document": document})
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["created"]["providers"] == []
    assert {item["id"] for item in result["mapped"]["providers"]} == {built["openai"], built["mock"]}
    assert result["flow_id"] != built["flow"]["id"]
    assert {item["ref"] for item in result["created"]["agents"]}.isdisjoint(
        {item["id"] for item in result["created"]["agents"]}
    )
    _no_marker(markers)


async def test_a_member_maps_providers_but_cannot_create_them(
    client: httpx.AsyncClient, team: Team, markers: Path
) -> None:
    source = await register(client, tenant_name="Source")
    built = await _source_flow(client, source, markers)
    document = (await _export(client, source, built["flow"]["id"])).json()
    refused = await _import(client, team.member, {"document": document})
    assert refused.status_code == 403, refused.text
    assert "OpenAI" in refused.json()["detail"]
    providers = await _json(client, team.member, "/api/v1/llm-providers?limit=200")
    mock = next(item["id"] for item in providers["items"] if item["type"] == "mock")
    mapped = await _import(
        client, team.member, {"document": document, "mapping": {"providers": {built["openai"]: mock}}}
    )
    assert mapped.status_code == 201, mapped.text
    assert {(item["ref"], item["id"], item["by"]) for item in mapped.json()["mapped"]["providers"]} == {
        (built["openai"], mock, "mapping"),
        (built["mock"], mock, "name_and_type"),
    }
    assert (await _import(client, team.viewer, {"document": document})).status_code == 403
    _no_marker(markers)


def _broken(document: dict[str, Any], change: str) -> tuple[dict[str, Any], str]:
    body: dict[str, Any] = {"document": copy.deepcopy(document)}
    broken = body["document"]
    if change == "format":
        broken["format"] = "something.else"
        return body, "document.format"
    if change == "node_id":
        del broken["flow"]["graph"]["nodes"][0]["id"]
        return body, "document.flow.graph.nodes.0.id"
    if change == "api_key":
        broken["providers"][0]["api_key"] = "sk-smuggled"
        return body, "document.providers.0.api_key"
    if change == "missing_provider":
        broken["providers"] = [item for item in broken["providers"] if item["type"] != "openai"]
        position = next(i for i, agent in enumerate(broken["agents"]) if agent["model"] == "gpt-4o-mini")
        return body, f"document.agents.{position}.provider_id"
    if change == "missing_crew":
        broken["crews"] = []
        return body, "document.flow.graph.nodes.3.config.crew_id"
    if change == "duplicate_ref":
        broken["tools"].append(copy.deepcopy(broken["tools"][0]))
        return body, "document.tools.3.ref"
    body["mapping"] = {"providers": {"00000000-0000-7000-8000-000000000001": broken["providers"][0]["ref"]}}
    return body, "mapping.providers.00000000-0000-7000-8000-000000000001"


@pytest.mark.parametrize(
    "change", ["format", "node_id", "api_key", "missing_provider", "missing_crew", "duplicate_ref", "mapping"]
)
async def test_a_bad_document_is_refused_naming_the_path(client: httpx.AsyncClient, markers: Path, change: str) -> None:
    source = await register(client, tenant_name="Source")
    built = await _source_flow(client, source, markers)
    document = (await _export(client, source, built["flow"]["id"])).json()
    target = await register(client, tenant_name="Target")
    body, field = _broken(document, change)
    response = await _import(client, target, body)
    assert field in fields(response)
    for path in ("/api/v1/flows", "/api/v1/agents", "/api/v1/tools", "/api/v1/crews"):
        assert (await _json(client, target, path))["items"] == []
    _no_marker(markers)


async def test_a_chosen_version_is_exported(client: httpx.AsyncClient, account: Account, markers: Path) -> None:
    built = await _source_flow(client, account, markers)
    flow = built["flow"]
    graph = {"nodes": [input_node(), output_node()], "edges": [edge("in", "out")]}
    saved = await client.post(
        f"/api/v1/flows/{flow['id']}/versions",
        json={"graph": graph, "message": "Simpler", "version": flow["version"]},
        headers=account.headers,
    )
    assert saved.status_code == 201, saved.text
    latest = (await _export(client, account, flow["id"])).json()
    assert [item["id"] for item in latest["flow"]["graph"]["nodes"]] == ["in", "out"]
    assert latest["agents"] == latest["crews"] == latest["tools"] == latest["providers"] == []
    first = (await _export(client, account, flow["id"], version=1)).json()
    assert len(first["flow"]["graph"]["nodes"]) == 6
    assert (await _export(client, account, flow["id"], version=9)).status_code == 404


async def test_another_workspace_cannot_export(client: httpx.AsyncClient, account: Account, markers: Path) -> None:
    built = await _source_flow(client, account, markers)
    intruder = await register(client, tenant_name="Intruder")
    response = await _export(client, intruder, built["flow"]["id"])
    assert response.status_code == 404, response.text
