"""Crews: CRUD, the rules of tasks and processes (every problem named at once), versions, roles,
references across tenants, deletion while a flow uses the crew."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.agents.factories import (
    audit_events,
    create_agent,
    create_crew,
    crew_body,
    fields,
    insert_flow,
    provider_id,
)
from tests.conftest import Team, register

CREWS = "/api/v1/crews"
SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


@pytest.fixture
async def agents(client: httpx.AsyncClient, team: Team, provider: str) -> list[str]:
    return [str((await create_agent(client, team.admin, provider, name=name))["id"]) for name in ("A", "B", "C")]


def _task(key: str, agent_id: str | None, **overrides: Any) -> dict[str, Any]:
    return {"key": key, "description": f"Do {key}", "expected_output": "Done", "agent_id": agent_id, **overrides}


async def test_create_read_list_replace_delete(client: httpx.AsyncClient, team: Team, agents: list[str]) -> None:
    created = await create_crew(client, team.member, agents[:2], planning=True, memory=True)
    assert created["inputs"] == ["audience", "topic"]
    assert created["agent_ids"] == agents[:2]
    assert [task["key"] for task in created["tasks"]] == ["research", "write"]
    assert created["tasks"][1]["context"] == ["research"]
    assert (created["process"], created["planning"], created["memory"], created["version"]) == (
        "sequential",
        True,
        True,
        1,
    )
    url = f"{CREWS}/{created['id']}"
    assert (await client.get(url, headers=team.viewer.headers)).json() == created
    listed = await client.get(CREWS, params={"q": "newsroom"}, headers=team.viewer.headers)
    assert created["id"] in [item["id"] for item in listed.json()["items"]]

    tasks = [
        _task(
            "summary",
            agents[2],
            description="Summarize {subject}",
            expected_output="JSON for {format}",
            output_format="json",
            output_schema=SCHEMA,
            human_input=True,
        )
    ]
    replaced = await client.put(
        url, json={**crew_body([agents[2]], name="Digest", tasks=tasks), "version": 1}, headers=team.admin.headers
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["version"], body["name"], body["inputs"]) == (2, "Digest", ["format", "subject"])
    assert body["tasks"][0]["output_schema"] == SCHEMA
    assert body["tasks"][0]["human_input"] is True

    assert (await client.delete(url, headers=team.member.headers)).status_code == 204
    assert (await client.get(url, headers=team.admin.headers)).status_code == 404
    actions = [event["action"] for event in await audit_events(client, team.admin, "crew")]
    assert actions == ["crew.delete", "crew.update", "crew.create"]


async def test_hierarchical_crews(client: httpx.AsyncClient, team: Team, agents: list[str], provider: str) -> None:
    tasks = [_task("plan", None, context=["review"]), _task("review", agents[0])]
    managed = await create_crew(
        client, team.admin, agents[:2], process="hierarchical", manager_agent_id=agents[2], tasks=tasks
    )
    assert managed["manager_agent_id"] == agents[2]
    assert managed["tasks"][0]["agent_id"] is None
    by_model = await create_crew(
        client,
        team.admin,
        agents[:1],
        process="hierarchical",
        manager_provider_id=provider,
        manager_model="mock-1",
        tasks=tasks,
    )
    assert (by_model["manager_provider_id"], by_model["manager_model"]) == (provider, "mock-1")


# Agents and the provider are named by tokens here, resolved to the test's own ids.
A, B, C, UNKNOWN, PROVIDER = "@a", "@b", "@c", str(uuid.UUID(int=1)), "@provider"
BAD_CREWS: list[tuple[dict[str, Any], list[str]]] = [
    ({"agent_ids": []}, ["agent_ids"]),
    ({"agent_ids": [A, B, UNKNOWN]}, ["agent_ids.2"]),
    ({"agent_ids": [A, B, A]}, ["agent_ids.2"]),
    ({"tasks": []}, ["tasks"]),
    ({"tasks": [_task("a", A), _task("a", A)]}, ["tasks.1.key"]),
    ({"tasks": [_task("Not A Slug", A)]}, ["tasks.0.key"]),
    ({"tasks": [{"key": "a", "description": "d", "agent_id": A}]}, ["tasks.0.expected_output"]),
    ({"tasks": [_task("a", A, description="  ")]}, ["tasks.0.description"]),
    ({"tasks": [_task("a", C)]}, ["tasks.0.agent_id"]),
    ({"tasks": [_task("a", None)]}, ["tasks.0.agent_id"]),
    ({"tasks": [_task("a", A, context=["missing"])]}, ["tasks.0.context.0"]),
    ({"tasks": [_task("a", A, context=["a"])]}, ["tasks.0.context.0"]),
    ({"tasks": [_task("a", A, context=["b"]), _task("b", A)]}, ["tasks.0.context.0"]),
    ({"tasks": [_task("a", A), _task("b", A, context=["a", "a"])]}, ["tasks.1.context.1"]),
    ({"tasks": [_task("a", A, output_format="json")]}, ["tasks.0.output_schema"]),
    ({"tasks": [_task("a", A, output_format="json", output_schema={"type": 5})]}, ["tasks.0.output_schema"]),
    ({"tasks": [_task("a", A, output_schema=SCHEMA)]}, ["tasks.0.output_schema"]),
    ({"tasks": [_task("a", A, output_format="yaml")]}, ["tasks.0.output_format"]),
    ({"tasks": [_task("a", A, surprise=1)]}, ["tasks.0.surprise"]),
    ({"process": "parallel"}, ["process"]),
    ({"process": "hierarchical"}, ["manager_agent_id"]),
    ({"process": "hierarchical", "manager_agent_id": A}, ["manager_agent_id"]),
    ({"process": "hierarchical", "manager_agent_id": UNKNOWN}, ["manager_agent_id"]),
    ({"process": "hierarchical", "manager_provider_id": PROVIDER}, ["manager_model"]),
    ({"process": "hierarchical", "manager_model": "m"}, ["manager_provider_id"]),
    ({"process": "hierarchical", "manager_provider_id": UNKNOWN, "manager_model": "m"}, ["manager_provider_id"]),
    ({"process": "hierarchical", "manager_agent_id": C, "manager_model": "m"}, ["manager_model"]),
    ({"manager_model": "m", "manager_agent_id": C}, ["manager_agent_id", "manager_model"]),
    (
        {"agent_ids": [A, UNKNOWN], "tasks": [_task("a", B, context=["zzz"], output_format="json"), _task("a", A)]},
        ["agent_ids.1", "tasks.1.key", "tasks.0.agent_id", "tasks.0.context.0", "tasks.0.output_schema"],
    ),
]


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _resolve(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, ids) for item in value]
    return ids.get(value, value) if isinstance(value, str) else value


@pytest.mark.parametrize(("overrides", "expected"), BAD_CREWS)
async def test_bad_input_names_every_field(
    client: httpx.AsyncClient,
    team: Team,
    agents: list[str],
    provider: str,
    overrides: dict[str, Any],
    expected: list[str],
) -> None:
    ids = {A: agents[0], B: agents[1], C: agents[2], PROVIDER: provider}
    body = {**crew_body(agents[:2]), **_resolve(overrides, ids)}
    response = await client.post(CREWS, json=body, headers=team.admin.headers)
    assert fields(response) == expected


async def test_stale_version_is_refused_naming_the_newer_one(
    client: httpx.AsyncClient, team: Team, agents: list[str]
) -> None:
    crew = await create_crew(client, team.admin, agents[:1])
    url = f"{CREWS}/{crew['id']}"
    first = await client.put(url, json={**crew_body(agents[:1], name="One"), "version": 1}, headers=team.admin.headers)
    assert first.status_code == 200
    stale = await client.put(url, json={**crew_body(agents[:1], name="Two"), "version": 1}, headers=team.admin.headers)
    assert stale.status_code == 409
    assert stale.json()["detail"]["current_version"] == 2
    assert "version 2" in stale.json()["detail"]["message"]


async def test_viewer_reads_but_never_writes(client: httpx.AsyncClient, team: Team, agents: list[str]) -> None:
    crew = await create_crew(client, team.admin, agents[:1])
    url = f"{CREWS}/{crew['id']}"
    viewer = team.viewer.headers
    assert (await client.post(CREWS, json=crew_body(agents[:1]), headers=viewer)).status_code == 403
    assert (await client.put(url, json={**crew_body(agents[:1]), "version": 1}, headers=viewer)).status_code == 403
    assert (await client.delete(url, headers=viewer)).status_code == 403
    assert (await client.get(url, headers=viewer)).status_code == 200


async def test_references_to_another_tenant_are_not_found(
    client: httpx.AsyncClient, team: Team, agents: list[str], database_url: str
) -> None:
    other = await register(client, tenant_name="Other")
    other_provider = await provider_id(client, other)
    other_agent = str((await create_agent(client, other, other_provider))["id"])
    with_agent = crew_body([agents[0], other_agent])
    assert fields(await client.post(CREWS, json=with_agent, headers=team.admin.headers)) == ["agent_ids.1"]
    managed = crew_body(agents[:1], process="hierarchical", manager_agent_id=other_agent)
    assert fields(await client.post(CREWS, json=managed, headers=team.admin.headers)) == ["manager_agent_id"]
    by_model = crew_body(agents[:1], process="hierarchical", manager_provider_id=other_provider, manager_model="m")
    assert fields(await client.post(CREWS, json=by_model, headers=team.admin.headers)) == ["manager_provider_id"]


async def test_deleting_a_crew_a_flow_uses_is_refused(
    client: httpx.AsyncClient, team: Team, agents: list[str], database_url: str
) -> None:
    crew = await create_crew(client, team.admin, agents[:1])
    unused = await create_crew(client, team.admin, agents[:1], name="Spare")
    flow_id = await insert_flow(database_url, team.admin, [{"crew_id": crew["id"], "inputs": {}}])
    response = await client.delete(f"{CREWS}/{crew['id']}", headers=team.admin.headers)
    assert response.status_code == 409
    assert [(user["type"], user["id"]) for user in response.json()["detail"]["used_by"]] == [("flow", flow_id)]
    assert (await client.delete(f"{CREWS}/{unused['id']}", headers=team.admin.headers)).status_code == 204
