"""Tools: CRUD, write-only encrypted secrets, versions, roles, deletion while agents or flows use them."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import select

from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.kit.encryption import KeyRing, Sealed
from crewloom.models import TenantSchema, Tool
from tests.agents.factories import audit_events, create_agent, create_tool, insert_flow, tool_body
from tests.conftest import Account, Team

TOOLS = "/api/v1/tools"
SECRET = "Bearer s3cr3t-value-never-shown"


async def _stored(database_url: str, account: Account, tool_id: str) -> Tool:
    database = Database(database_url, pool_size=1, max_overflow=0)
    try:
        async with database.session() as session:
            schema = (
                await session.execute(
                    select(TenantSchema.schema_name).where(TenantSchema.tenant_id == uuid.UUID(account.tenant_id))
                )
            ).scalar_one()
        async with database.session(schema) as session:
            tool = await session.get(Tool, uuid.UUID(tool_id))
            assert tool is not None
            return tool
    finally:
        await database.dispose()


async def test_create_read_list_replace_delete(client: httpx.AsyncClient, team: Team) -> None:
    created = await create_tool(client, team.member, tags=["weather"], description="Forecasts")
    assert (created["type"], created["version"], created["secret_names"]) == ("http", 1, [])
    assert created["config"]["headers"] == {}
    assert created["config"]["body_template"] is None
    url = f"{TOOLS}/{created['id']}"
    assert (await client.get(url, headers=team.viewer.headers)).json() == created
    listed = await client.get(TOOLS, params={"q": "weath"}, headers=team.viewer.headers)
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]

    docker = {"image": "python:3.12-slim", "command": ["python", "-c", "print(1)"], "environment": {"MODE": "fast"}}
    replaced = await client.put(
        url, json={**tool_body(type="docker", config=docker, name="Runner"), "version": 1}, headers=team.admin.headers
    )
    assert replaced.status_code == 200, replaced.text
    stored = {**docker, "args_schema": {"type": "object", "properties": {}}}
    assert (replaced.json()["type"], replaced.json()["config"], replaced.json()["version"]) == ("docker", stored, 2)

    assert (await client.delete(url, headers=team.member.headers)).status_code == 204
    assert (await client.get(url, headers=team.admin.headers)).status_code == 404
    actions = [event["action"] for event in await audit_events(client, team.admin, "tool")]
    assert actions == ["tool.delete", "tool.update", "tool.create"]


async def test_secrets_are_write_only_and_encrypted_for_the_tenant(
    client: httpx.AsyncClient, team: Team, database_url: str, settings: Settings
) -> None:
    body = tool_body(secrets={"Authorization": SECRET, "X_Api_Token": "tok-123456"})
    response = await client.post(TOOLS, json=body, headers=team.admin.headers)
    assert response.status_code == 201, response.text
    tool = response.json()
    assert tool["secret_names"] == ["Authorization", "X_Api_Token"]
    url = f"{TOOLS}/{tool['id']}"

    stored = await _stored(database_url, team.admin, tool["id"])
    assert stored.secrets_ciphertext is not None
    assert stored.secrets_key_id is not None
    assert SECRET.encode() not in stored.secrets_ciphertext
    sealed = Sealed(stored.secrets_ciphertext, stored.secrets_key_id)
    opened = KeyRing.from_settings(settings).open(sealed, uuid.UUID(team.admin.tenant_id))
    assert json.loads(opened) == {"Authorization": SECRET, "X_Api_Token": "tok-123456"}

    kept = await client.put(url, json={**tool_body(name="Renamed"), "version": 1}, headers=team.admin.headers)
    assert kept.json()["secret_names"] == ["Authorization", "X_Api_Token"]
    replaced = await client.put(
        url, json={**tool_body(secrets={"Authorization": "Bearer other"}), "version": 2}, headers=team.admin.headers
    )
    assert replaced.json()["secret_names"] == ["Authorization"]
    cleared = await client.put(url, json={**tool_body(secrets={}), "version": 3}, headers=team.admin.headers)
    assert cleared.json()["secret_names"] == []
    assert (await _stored(database_url, team.admin, tool["id"])).secrets_ciphertext is None

    seen = [response.text, kept.text, replaced.text, cleared.text]
    seen.append((await client.get(url, headers=team.admin.headers)).text)
    seen.append((await client.get(TOOLS, headers=team.admin.headers)).text)
    seen.append(json.dumps(await audit_events(client, team.admin, "tool")))
    for text in seen:
        assert not [secret for secret in ("s3cr3t", "tok-123456", "Bearer other") if secret in text]


async def test_stale_version_is_refused_naming_the_newer_one(client: httpx.AsyncClient, team: Team) -> None:
    tool = await create_tool(client, team.admin)
    url = f"{TOOLS}/{tool['id']}"
    first = await client.put(url, json={**tool_body(name="First"), "version": 1}, headers=team.admin.headers)
    assert first.status_code == 200
    stale = await client.put(url, json={**tool_body(name="Late"), "version": 1}, headers=team.member.headers)
    assert stale.status_code == 409
    assert stale.json()["detail"]["current_version"] == 2
    assert "version 2" in stale.json()["detail"]["message"]


async def test_viewer_reads_but_never_writes(client: httpx.AsyncClient, team: Team) -> None:
    tool = await create_tool(client, team.admin)
    url = f"{TOOLS}/{tool['id']}"
    viewer = team.viewer.headers
    assert (await client.post(TOOLS, json=tool_body(), headers=viewer)).status_code == 403
    assert (await client.put(url, json={**tool_body(), "version": 1}, headers=viewer)).status_code == 403
    assert (await client.delete(url, headers=viewer)).status_code == 403
    assert (await client.get(url, headers=viewer)).status_code == 200
    assert (await client.get(f"{TOOLS}/catalogue", headers=viewer)).status_code == 200


async def test_deleting_a_tool_in_use_lists_agents_and_flows(
    client: httpx.AsyncClient, team: Team, provider: str, database_url: str
) -> None:
    tool = await create_tool(client, team.admin)
    agent = await create_agent(client, team.admin, provider, name="Forecaster", tool_ids=[tool["id"]])
    flow_id = await insert_flow(database_url, team.admin, [{"tool_id": tool["id"], "arguments": {}}])
    response = await client.delete(f"{TOOLS}/{tool['id']}", headers=team.admin.headers)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert [(user["type"], user["id"]) for user in detail["used_by"]] == [("agent", agent["id"]), ("flow", flow_id)]
    assert "Forecaster" in detail["message"]
    assert (await client.get(f"{TOOLS}/{tool['id']}", headers=team.admin.headers)).status_code == 200
