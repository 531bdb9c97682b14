"""Agents: CRUD, field validation, versions, roles, references across tenants, deletion while used."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.agents.factories import (
    agent_body,
    audit_events,
    create_agent,
    create_crew,
    create_tool,
    fields,
    insert_flow,
    provider_id,
)
from tests.conftest import Team, register

AGENTS = "/api/v1/agents"


async def test_create_read_list_replace_delete(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    tool = await create_tool(client, team.admin)
    created = await create_agent(
        client,
        team.member,
        provider,
        name="Analyst",
        temperature=0.3,
        max_iter=5,
        max_rpm=30,
        max_execution_time=120,
        allow_delegation=True,
        memory=True,
        tool_ids=[tool["id"]],
        system_template="You are {role}.",
        tags=["research"],
    )
    assert created["version"] == 1
    assert created["provider_id"] == provider
    assert created["tool_ids"] == [tool["id"]]
    assert created["created_by"] == team.member.user_id
    agent_url = f"{AGENTS}/{created['id']}"

    fetched = await client.get(agent_url, headers=team.viewer.headers)
    assert fetched.status_code == 200
    assert fetched.json() == created

    listed = await client.get(AGENTS, params={"q": "analy"}, headers=team.viewer.headers)
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]

    replaced = await client.put(
        agent_url,
        json={**agent_body(provider, name="Analyst 2", goal="Weigh facts"), "version": 1},
        headers=team.admin.headers,
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["version"], body["name"], body["goal"], body["tool_ids"], body["temperature"]) == (
        2,
        "Analyst 2",
        "Weigh facts",
        [],
        None,
    )

    deleted = await client.delete(agent_url, headers=team.member.headers)
    assert deleted.status_code == 204
    assert (await client.get(agent_url, headers=team.admin.headers)).status_code == 404

    actions = [event["action"] for event in await audit_events(client, team.admin, "agent")]
    assert actions == ["agent.delete", "agent.update", "agent.create"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"temperature": 2.5}, "temperature"),
        ({"temperature": -0.1}, "temperature"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_iter": 101}, "max_iter"),
        ({"max_rpm": 0}, "max_rpm"),
        ({"max_execution_time": 0}, "max_execution_time"),
        ({"model": ""}, "model"),
        ({"model": "   "}, "model"),
        ({"role": None}, "role"),
        ({"goal": ""}, "goal"),
        ({"name": " "}, "name"),
        ({"provider_id": "not-an-id"}, "provider_id"),
        ({"provider_id": str(uuid.uuid4())}, "provider_id"),
        ({"tool_ids": [str(uuid.uuid4())]}, "tool_ids.0"),
        ({"allow_delegation": "sometimes"}, "allow_delegation"),
    ],
)
async def test_bad_input_names_the_field(
    client: httpx.AsyncClient, team: Team, provider: str, overrides: dict[str, Any], field: str
) -> None:
    body = {key: value for key, value in agent_body(provider, **overrides).items() if value is not None}
    response = await client.post(AGENTS, json=body, headers=team.admin.headers)
    assert field in fields(response)


async def test_a_tool_listed_twice_is_refused(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    tool = await create_tool(client, team.admin)
    response = await client.post(
        AGENTS, json=agent_body(provider, tool_ids=[tool["id"], tool["id"]]), headers=team.admin.headers
    )
    assert fields(response) == ["tool_ids.1"]


async def test_stale_version_is_refused_naming_the_newer_one(
    client: httpx.AsyncClient, team: Team, provider: str
) -> None:
    agent = await create_agent(client, team.admin, provider)
    url = f"{AGENTS}/{agent['id']}"
    first = await client.put(url, json={**agent_body(provider, goal="One"), "version": 1}, headers=team.admin.headers)
    assert first.status_code == 200
    stale = await client.put(url, json={**agent_body(provider, goal="Two"), "version": 1}, headers=team.member.headers)
    assert stale.status_code == 409
    assert stale.json()["detail"]["current_version"] == 2
    assert "version 2" in stale.json()["detail"]["message"]
    assert (await client.get(url, headers=team.admin.headers)).json()["goal"] == "One"


async def test_viewer_reads_but_never_writes(client: httpx.AsyncClient, team: Team, provider: str) -> None:
    agent = await create_agent(client, team.admin, provider)
    url = f"{AGENTS}/{agent['id']}"
    viewer = team.viewer.headers
    assert (await client.post(AGENTS, json=agent_body(provider), headers=viewer)).status_code == 403
    replaced = await client.put(url, json={**agent_body(provider), "version": 1}, headers=viewer)
    assert replaced.status_code == 403
    assert (await client.delete(url, headers=viewer)).status_code == 403
    assert (await client.get(url, headers=viewer)).json()["version"] == 1


async def test_references_to_another_tenant_are_not_found(
    client: httpx.AsyncClient, team: Team, provider: str, database_url: str
) -> None:
    other = await register(client, tenant_name="Other")
    other_provider = await provider_id(client, other)
    other_tool = await create_tool(client, other)
    response = await client.post(
        AGENTS, json=agent_body(other_provider, tool_ids=[other_tool["id"]]), headers=team.admin.headers
    )
    assert fields(response) == ["provider_id", "tool_ids.0"]
    assert all("no " in problem["message"] for problem in response.json()["detail"])

    agent = await create_agent(client, team.admin, provider)
    replaced = await client.put(
        f"{AGENTS}/{agent['id']}", json={**agent_body(other_provider), "version": 1}, headers=team.admin.headers
    )
    assert fields(replaced) == ["provider_id"]


async def test_deleting_an_agent_in_use_lists_its_users(
    client: httpx.AsyncClient, team: Team, provider: str, database_url: str
) -> None:
    agent = await create_agent(client, team.admin, provider, name="Busy")
    manager = await create_agent(client, team.admin, provider, name="Boss")
    crew = await create_crew(client, team.admin, [agent["id"]], name="Desk")
    managed = await create_crew(
        client, team.admin, [agent["id"]], name="Managed", process="hierarchical", manager_agent_id=manager["id"]
    )
    flow_id = await insert_flow(database_url, team.admin, [{"agent_id": agent["id"], "task": "x"}])

    response = await client.delete(f"{AGENTS}/{agent['id']}", headers=team.admin.headers)
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert {(user["type"], user["id"]) for user in detail["used_by"]} == {
        ("crew", crew["id"]),
        ("crew", managed["id"]),
        ("flow", flow_id),
    }
    assert "Desk" in detail["message"]

    by_manager = await client.delete(f"{AGENTS}/{manager['id']}", headers=team.admin.headers)
    assert by_manager.status_code == 409
    assert [user["id"] for user in by_manager.json()["detail"]["used_by"]] == [managed["id"]]
    assert (await client.get(f"{AGENTS}/{agent['id']}", headers=team.admin.headers)).status_code == 200


async def test_only_the_latest_flow_version_counts(
    client: httpx.AsyncClient, team: Team, provider: str, database_url: str
) -> None:
    agent = await create_agent(client, team.admin, provider)
    await insert_flow(database_url, team.admin, [{"agent_id": agent["id"]}], latest=False)
    response = await client.delete(f"{AGENTS}/{agent['id']}", headers=team.admin.headers)
    assert response.status_code == 204, response.text
