"""Flows over HTTP: create, read, update, delete, validation with tenant references, the node type
catalog in the OpenAPI spec, roles and audit."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account, Team, register
from tests.flows.graphs import edge, input_node, node, output_node, valid_graph
from tests.flows.rows import Objects, insert_objects

FLOWS = "/api/v1/flows"


def referencing(objects: Objects) -> dict[str, Any]:
    """in -> llm -> agent -> crew -> tool -> out, naming one object of each kind."""
    return {
        "nodes": [
            input_node(),
            node("llm", "llm", {"provider_id": objects.provider_id, "model": "mock", "prompt": "{{ inputs.topic }}"}),
            node("agent", "agent", {"agent_id": objects.agent_id, "task": "{{ nodes.llm.output }}"}),
            node("crew", "crew", {"crew_id": objects.crew_id, "inputs": {"topic": "{{ nodes.agent.output }}"}}),
            node("tool", "tool", {"tool_id": objects.tool_id, "arguments": {"q": "{{ nodes.crew.output }}"}}),
            output_node("out", "{{ nodes.tool.output }}"),
        ],
        "edges": [
            edge("in", "llm"),
            edge("llm", "agent"),
            edge("agent", "crew"),
            edge("crew", "tool"),
            edge("tool", "out"),
        ],
    }


async def create(client: httpx.AsyncClient, account: Account, **body: Any) -> dict[str, Any]:
    response = await client.post(FLOWS, json={"name": "Research"} | body, headers=account.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_create_without_a_graph_has_no_version(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, description="d", tags=["a", "a", "b"])
    assert flow["latest_version"] == 0
    assert flow["published_version"] is None
    assert flow["graph"] is None
    assert flow["problems"] == []
    assert flow["tags"] == ["a", "b"]


async def test_create_with_a_graph_saves_version_one(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph(), message="first")
    assert flow["latest_version"] == 1
    assert flow["problems"] == []
    assert [item["id"] for item in flow["graph"]["nodes"]] == ["in", "out"]
    got = (await client.get(f"{FLOWS}/{flow['id']}", headers=account.headers)).json()
    assert got == flow
    versions = (await client.get(f"{FLOWS}/{flow['id']}/versions", headers=account.headers)).json()
    assert [(item["number"], item["message"], item["author_id"]) for item in versions["items"]] == [
        (1, "first", account.user_id)
    ]


async def test_list_has_summaries_without_graphs(client: httpx.AsyncClient, account: Account) -> None:
    await create(client, account, name="Other")
    flow = await create(client, account, name="Listed flow", graph=valid_graph())
    response = await client.get(FLOWS, params={"q": "listed"}, headers=account.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["id"] for item in items] == [flow["id"]]
    assert "graph" not in items[0]
    assert items[0]["latest_version"] == 1


async def test_update_metadata_and_stale_update(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account)
    url = f"{FLOWS}/{flow['id']}"
    body = {"name": "Renamed", "description": "new", "tags": ["x"], "version": flow["version"]}
    updated = await client.put(url, json=body, headers=account.headers)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["version"]) == ("Renamed", flow["version"] + 1)
    stale = await client.put(url, json=body, headers=account.headers)
    assert stale.status_code == 409
    assert stale.json()["detail"]["current_version"] == flow["version"] + 1


async def test_delete(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph())
    assert (await client.delete(f"{FLOWS}/{flow['id']}", headers=account.headers)).status_code == 204
    assert (await client.get(f"{FLOWS}/{flow['id']}", headers=account.headers)).status_code == 404


async def test_bad_input_names_the_field(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.post(
        FLOWS,
        json={"name": "x", "graph": {"nodes": [{"id": "a", "type": "input", "colour": 1}]}},
        headers=account.headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "graph.nodes.0.colour", "message": "Extra inputs are not permitted"}]
    blank = await client.post(FLOWS, json={"name": " "}, headers=account.headers)
    assert blank.status_code == 422
    assert blank.json()["detail"][0]["field"] == "name"


async def test_references_are_checked_in_the_tenant(
    client: httpx.AsyncClient, account: Account, database_url: str
) -> None:
    own = await insert_objects(database_url, account.tenant_id)
    response = await client.post(f"{FLOWS}/validate", json={"graph": referencing(own)}, headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"problems": []}

    stranger = await register(client, tenant_name="Elsewhere")
    theirs = await insert_objects(database_url, stranger.tenant_id)
    response = await client.post(f"{FLOWS}/validate", json={"graph": referencing(theirs)}, headers=account.headers)
    assert [(item["code"], item["node_id"], item["field"]) for item in response.json()["problems"]] == [
        ("missing_reference", "llm", "config.provider_id"),
        ("missing_reference", "agent", "config.agent_id"),
        ("missing_reference", "crew", "config.crew_id"),
        ("missing_reference", "tool", "config.tool_id"),
    ]


async def test_flow_shows_the_problems_of_its_latest_graph(client: httpx.AsyncClient, account: Account) -> None:
    broken = {"nodes": [input_node(), node("odd", "teleport")], "edges": [edge("in", "odd")]}
    flow = await create(client, account, graph=broken)
    assert flow["latest_version"] == 1
    assert [(item["code"], item.get("node_id")) for item in flow["problems"]] == [
        ("missing_output", None),
        ("unknown_type", "odd"),
    ]


async def test_node_types_and_their_schemas_in_openapi(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(f"{FLOWS}/node-types", headers=account.headers)
    assert response.status_code == 200, response.text
    types = {item["type"]: item for item in response.json()}
    assert set(types) == {"input", "output", "llm", "agent", "crew", "tool", "condition"}
    assert types["condition"]["outputs"] == ["true", "false"]
    assert {name: item["outputs"] for name, item in types.items() if name != "condition"} == {
        name: ["output"] for name in types if name != "condition"
    }
    assert types["llm"]["config_schema"]["required"] == ["provider_id", "model", "prompt"]
    components = (await client.get("/openapi.json")).json()["components"]["schemas"]
    for item in types.values():
        title = item["config_schema"]["title"]
        assert title in components, title
        documented = components[title]
        assert set(documented["properties"]) == set(item["config_schema"]["properties"])
        assert documented.get("required") == item["config_schema"].get("required")


async def test_viewer_reads_but_cannot_write(client: httpx.AsyncClient, team: Team) -> None:
    flow = await create(client, team.member, graph=valid_graph())
    viewer = team.viewer.headers
    url = f"{FLOWS}/{flow['id']}"
    assert (await client.get(url, headers=viewer)).status_code == 200
    assert (await client.get(f"{FLOWS}/node-types", headers=viewer)).status_code == 200
    refused = [
        await client.post(FLOWS, json={"name": "x"}, headers=viewer),
        await client.put(url, json={"name": "x", "version": flow["version"]}, headers=viewer),
        await client.delete(url, headers=viewer),
        await client.post(f"{FLOWS}/validate", json={"graph": valid_graph()}, headers=viewer),
        await client.post(f"{url}/versions", json={"graph": valid_graph(), "version": flow["version"]}, headers=viewer),
        await client.post(f"{url}/versions/1/restore", json={"version": flow["version"]}, headers=viewer),
        await client.post(f"{url}/versions/1/publish", json={"version": flow["version"]}, headers=viewer),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert (await client.get(url, headers=viewer)).json() == flow


async def test_other_tenant_gets_404(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph())
    intruder = await register(client, tenant_name="Intruder")
    url = f"{FLOWS}/{flow['id']}"
    responses = [
        await client.get(url, headers=intruder.headers),
        await client.get(f"{url}/versions/1", headers=intruder.headers),
        await client.get(f"{url}/diff", params={"base": 1, "target": 1}, headers=intruder.headers),
        await client.post(f"{url}/versions/1/publish", json={"version": flow["version"]}, headers=intruder.headers),
    ]
    assert [response.status_code for response in responses] == [404] * len(responses)
    assert (await client.get(FLOWS, headers=intruder.headers)).json()["items"] == []


async def test_changes_are_audited(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph())
    url = f"{FLOWS}/{flow['id']}"
    saved = await client.post(
        f"{url}/versions", json={"graph": valid_graph(), "version": flow["version"]}, headers=account.headers
    )
    version = saved.json()["flow"]["version"]
    restored = await client.post(f"{url}/versions/1/restore", json={"version": version}, headers=account.headers)
    version = restored.json()["flow"]["version"]
    published = await client.post(f"{url}/versions/3/publish", json={"version": version}, headers=account.headers)
    version = published.json()["version"]
    await client.put(url, json={"name": "Renamed", "version": version}, headers=account.headers)
    await client.delete(url, headers=account.headers)
    events = (await client.get("/api/v1/audit", params={"limit": 200}, headers=account.headers)).json()["items"]
    actions = [event["action"] for event in events if event["resource_id"] == flow["id"]]
    assert sorted(actions) == sorted(
        ["flow.create", "flow.save_version", "flow.restore", "flow.publish", "flow.update", "flow.delete"]
    )
