"""Switching workspace: only into one the signed-in user belongs to, and never for an API key."""

from __future__ import annotations

import uuid

import httpx

from crewloom.auth.permissions import Role
from crewloom.db.engine import Database
from tests.auth.conftest import add_membership, bearer
from tests.conftest import Account, register

SWITCH = "/api/v1/auth/switch-tenant"
NOT_FOUND = {"error": "not_found", "detail": "workspace not found"}


async def test_a_member_switches_and_gets_the_role_there(client: httpx.AsyncClient, database: Database) -> None:
    user = await register(client)
    other = await register(client, tenant_name="Other")
    await add_membership(database, tenant_id=other.tenant_id, user_id=user.user_id, role=Role.viewer)
    response = await client.post(SWITCH, json={"tenant_id": other.tenant_id}, headers=user.headers)
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["tenant_id"] == other.tenant_id
    me = (await client.get("/api/v1/me", headers=bearer(pair["access_token"]))).json()
    assert (me["tenant"]["name"], me["role"]) == ("Other", "viewer")
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.json()["tenant_id"] == other.tenant_id


async def test_a_workspace_one_is_not_in_looks_like_no_workspace(client: httpx.AsyncClient, account: Account) -> None:
    stranger = await register(client)
    existing = await client.post(SWITCH, json={"tenant_id": stranger.tenant_id}, headers=account.headers)
    missing = await client.post(SWITCH, json={"tenant_id": str(uuid.uuid4())}, headers=account.headers)
    assert existing.status_code == missing.status_code == 404
    assert existing.json() == missing.json() == NOT_FOUND


async def test_an_api_key_cannot_switch(client: httpx.AsyncClient, account: Account) -> None:
    created = await client.post("/api/v1/api-keys", json={"name": "deploy", "role": "admin"}, headers=account.headers)
    assert created.status_code == 201, created.text
    other = await register(client)
    response = await client.post(SWITCH, json={"tenant_id": other.tenant_id}, headers=bearer(created.json()["key"]))
    assert response.status_code == 403
    assert "API key" in response.json()["detail"]


async def test_switching_needs_credentials(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.post(SWITCH, json={"tenant_id": account.tenant_id})
    assert response.status_code == 401
