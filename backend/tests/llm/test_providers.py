"""Providers: the seeded mock, CRUD, the settings each type takes, versions, roles, and deletion while used."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from crewloom.db.engine import Database
from crewloom.models import Agent, Crew
from tests.conftest import Account, Team, register
from tests.db.schemas import schema_of
from tests.llm.conftest import PROVIDERS, compatible, create, probe


async def test_a_new_tenant_starts_with_the_offline_mock(client: httpx.AsyncClient, account: Account) -> None:
    listed = (await client.get(PROVIDERS, headers=account.headers)).json()["items"]
    assert [(item["name"], item["type"], item["default_model"]) for item in listed] == [
        ("Mock (offline)", "mock", "mock-1")
    ]
    mock = listed[0]
    assert mock["has_api_key"] is False
    assert mock["api_key_last4"] is None
    assert mock["version"] == 1
    result = await probe(client, account, mock["id"])
    assert result["ok"] is True
    assert result["model"] == "mock-1"
    assert result["reply"].startswith("Mock reply to:")
    assert result["error"] is None


async def test_create_read_list_update_delete(client: httpx.AsyncClient, account: Account) -> None:
    created = await create(
        client,
        account,
        compatible("http://127.0.0.1:9/v1/", description="vLLM on the GPU box", tags=["local", "gpu", "local"]),
    )
    assert created["base_url"] == "http://127.0.0.1:9/v1"
    assert created["tags"] == ["local", "gpu"]
    assert created["created_by"] == account.user_id
    assert (created["has_api_key"], created["version"]) == (False, 1)
    provider = f"{PROVIDERS}/{created['id']}"
    assert (await client.get(provider, headers=account.headers)).json() == created

    by_type = (await client.get(PROVIDERS, params={"type": "openai_compatible"}, headers=account.headers)).json()
    assert [item["id"] for item in by_type["items"]] == [created["id"]]
    by_name = (await client.get(PROVIDERS, params={"q": "LOCAL"}, headers=account.headers)).json()
    assert [item["id"] for item in by_name["items"]] == [created["id"]]

    edit = compatible("http://127.0.0.1:9/v1", name="Renamed", default_model="other", version=1)
    updated = await client.put(provider, json=edit, headers=account.headers)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["default_model"], updated.json()["version"]) == (
        "Renamed",
        "other",
        2,
    )

    stale = await client.put(provider, json={**edit, "name": "Lost edit"}, headers=account.headers)
    assert stale.status_code == 409
    assert stale.json()["detail"]["field"] == "version"
    assert stale.json()["detail"]["current_version"] == 2
    assert "version 2" in stale.json()["detail"]["message"]

    assert (await client.delete(provider, headers=account.headers)).status_code == 204
    assert (await client.get(provider, headers=account.headers)).status_code == 404
    assert (await client.delete(provider, headers=account.headers)).status_code == 404

    audit = (
        await client.get("/api/v1/audit", params={"resource_type": "llm_provider"}, headers=account.headers)
    ).json()
    assert [event["action"] for event in audit["items"]] == ["provider.delete", "provider.update", "provider.create"]
    assert audit["items"][1]["detail"]["changed"] == ["default_model", "description", "name", "tags"]


def _fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    return [problem["field"] for problem in (detail if isinstance(detail, list) else [detail])]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"type": "openai_compatible"}, ["base_url"]),
        ({"type": "azure", "options": {"api_version": "2024-06-01"}}, ["base_url"]),
        ({"type": "openai", "base_url": "https://example.com/v1"}, ["base_url"]),
        ({"type": "anthropic", "base_url": "https://example.com"}, ["base_url"]),
        ({"type": "mock", "base_url": "https://example.com"}, ["base_url"]),
        ({"type": "mock", "api_key": "sk-not-for-a-mock"}, ["api_key"]),
        ({"type": "openai_compatible", "base_url": "ftp://example.com"}, ["base_url"]),
        ({"type": "openai_compatible", "base_url": "http://user:secret@example.com"}, ["base_url"]),
        ({"type": "openai_compatible", "base_url": "example.com/v1"}, ["base_url"]),
        ({"type": "ollama", "base_url": "http://host:11434/?x=1"}, ["base_url"]),
        ({"type": "gemini", "options": {"api_version": "v1"}}, ["options.api_version"]),
        (
            {"type": "azure", "base_url": "https://a.example.com", "options": {"api_version": 3}},
            ["options.api_version"],
        ),
        ({"type": "openai", "options": {"Bad-Name": "x"}}, ["options.Bad-Name.[key]"]),
        ({"type": "cohere"}, ["type"]),
        ({"type": "openai", "default_model": ""}, ["default_model"]),
        ({"type": "openai", "api_key": "   "}, ["api_key"]),
        ({"type": "openai", "name": " "}, ["name"]),
    ],
)
async def test_each_type_takes_its_own_settings(
    client: httpx.AsyncClient, account: Account, body: dict[str, Any], fields: list[str]
) -> None:
    payload = {"name": "Provider", "default_model": "some-model", **body}
    assert _fields(await client.post(PROVIDERS, json=payload, headers=account.headers)) == fields


async def test_missing_fields_are_named(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.post(PROVIDERS, json={"name": "No type"}, headers=account.headers)
    assert sorted(_fields(response)) == ["default_model", "type"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"type": "ollama"}, {"base_url": "http://127.0.0.1:11434", "has_api_key": False}),
        ({"type": "ollama", "base_url": "http://gpu:11434"}, {"base_url": "http://gpu:11434"}),
        (
            {"type": "azure", "base_url": "https://res.openai.azure.com", "options": {"api_version": "2024-06-01"}},
            {"options": {"api_version": "2024-06-01"}},
        ),
        ({"type": "openai", "options": {"organization": "org-1"}}, {"base_url": None}),
        ({"type": "anthropic", "api_key": "sk-ant-0123456789"}, {"has_api_key": True, "api_key_last4": "6789"}),
        ({"type": "gemini", "api_key": "short"}, {"has_api_key": True, "api_key_last4": None}),
        ({"type": "mock"}, {"has_api_key": False}),
    ],
)
async def test_valid_settings_per_type(
    client: httpx.AsyncClient, account: Account, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    created = await create(client, account, {"name": "Provider", "default_model": "m", **body})
    assert {key: created[key] for key in expected} == expected


async def test_key_changes_on_update(client: httpx.AsyncClient, account: Account, fake_openai: Any) -> None:
    created = await create(client, account, compatible(fake_openai.base_url, api_key="sk-first-key-1111"))
    provider = f"{PROVIDERS}/{created['id']}"
    body = compatible(fake_openai.base_url)

    both = await client.put(
        provider, json={**body, "version": 1, "api_key": "x" * 12, "clear_api_key": True}, headers=account.headers
    )
    assert _fields(both) == ["clear_api_key"]
    to_mock = {"name": "Now a mock", "type": "mock", "default_model": "mock-1", "version": 1}
    assert _fields(await client.put(provider, json=to_mock, headers=account.headers)) == ["clear_api_key"]

    kept = (await client.put(provider, json={**body, "version": 1}, headers=account.headers)).json()
    assert (kept["has_api_key"], kept["api_key_last4"]) == (True, "1111")
    replaced = (
        await client.put(
            provider, json={**body, "version": 1, "api_key": "sk-second-key-2222"}, headers=account.headers
        )
    ).json()
    assert (replaced["has_api_key"], replaced["api_key_last4"], replaced["version"]) == (True, "2222", 2)
    mocked = await client.put(provider, json={**to_mock, "version": 2, "clear_api_key": True}, headers=account.headers)
    assert mocked.status_code == 200, mocked.text
    assert (mocked.json()["type"], mocked.json()["has_api_key"], mocked.json()["api_key_last4"]) == (
        "mock",
        False,
        None,
    )

    audit = (
        await client.get("/api/v1/audit", params={"action": "provider.key_change"}, headers=account.headers)
    ).json()
    changes = [event["detail"] for event in audit["items"] if event["resource_id"] == created["id"]]
    assert changes == [{"change": "cleared"}, {"change": "replaced"}, {"change": "set"}]


async def test_only_admins_change_providers_and_viewers_cannot_test(client: httpx.AsyncClient, team: Team) -> None:
    mock = (await client.get(PROVIDERS, headers=team.viewer.headers)).json()["items"][0]
    provider = f"{PROVIDERS}/{mock['id']}"
    edit = {"name": "Mine", "type": "mock", "default_model": "mock-1", "version": 1}
    for account in (team.member, team.viewer):
        assert (await client.post(PROVIDERS, json=edit, headers=account.headers)).status_code == 403
        assert (await client.put(provider, json=edit, headers=account.headers)).status_code == 403
        assert (await client.delete(provider, headers=account.headers)).status_code == 403
        assert (await client.get(provider, headers=account.headers)).status_code == 200
    assert (await client.post(f"{provider}/test", json={}, headers=team.viewer.headers)).status_code == 403
    assert (await probe(client, team.member, mock["id"], model="mock-2"))["model"] == "mock-2"
    assert (await client.get(provider, headers=team.admin.headers)).json() == mock


async def test_delete_is_refused_while_agents_or_crews_use_it(
    client: httpx.AsyncClient, account: Account, database_url: str
) -> None:
    created = await create(client, account, {"name": "Shared", "type": "mock", "default_model": "mock-1"})
    provider_id = uuid.UUID(created["id"])
    schema = await schema_of(database_url, account.tenant_id)
    database = Database(database_url, pool_size=1, max_overflow=0)
    agent = Agent(name="Researcher", role="r", goal="g", provider_id=provider_id, model="mock-1")
    crew = Crew(name="Team", process="hierarchical", manager_provider_id=provider_id, manager_model="mock-1")
    try:
        async with database.session(schema) as session:
            session.add_all([agent, crew])
            await session.commit()

        refused = await client.delete(f"{PROVIDERS}/{provider_id}", headers=account.headers)
        assert refused.status_code == 409, refused.text
        detail = refused.json()["detail"]
        assert "Shared" in detail["message"]
        assert detail["used_by"] == [
            {"type": "agent", "id": str(agent.id), "name": "Researcher"},
            {"type": "crew", "id": str(crew.id), "name": "Team"},
        ]
        assert (await client.get(f"{PROVIDERS}/{provider_id}", headers=account.headers)).status_code == 200

        async with database.session(schema) as session:
            await session.delete(await session.get(Crew, crew.id))
            await session.delete(await session.get(Agent, agent.id))
            await session.commit()
    finally:
        await database.dispose()
    assert (await client.delete(f"{PROVIDERS}/{provider_id}", headers=account.headers)).status_code == 204


async def test_other_tenants_providers_stay_invisible(client: httpx.AsyncClient, account: Account) -> None:
    created = await create(client, account, {"name": "Private", "type": "mock", "default_model": "mock-1"})
    other = await register(client, tenant_name="Other")
    assert (await client.get(f"{PROVIDERS}/{created['id']}", headers=other.headers)).status_code == 404
    listed = (await client.get(PROVIDERS, headers=other.headers)).json()["items"]
    assert [item["name"] for item in listed] == ["Mock (offline)"]
