"""The caller's identity: account, workspace, role and memberships."""

from __future__ import annotations

import httpx
import pytest

from crewloom.auth.permissions import Role
from crewloom.db.engine import Database
from tests.auth.conftest import add_membership, bearer, login
from tests.conftest import Account, register

ME = "/api/v1/me"


async def test_me_for_the_admin_who_registered(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.get(ME, headers=account.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["id"] == account.user_id
    assert body["user"]["email"] == account.email
    assert body["tenant"] == {"id": account.tenant_id, "name": "Acme"}
    assert body["role"] == "admin"
    assert body["memberships"] == [{"tenant_id": account.tenant_id, "tenant_name": "Acme", "role": "admin"}]


@pytest.mark.parametrize("role", [Role.member, Role.viewer])
async def test_me_for_each_invited_role(client: httpx.AsyncClient, database: Database, role: Role) -> None:
    admin = await register(client, tenant_name="Team")
    user = await register(client, tenant_name="Own")
    await add_membership(database, tenant_id=admin.tenant_id, user_id=user.user_id, role=role)
    session = (await login(client, user.email, tenant_id=admin.tenant_id)).json()
    body = (await client.get(ME, headers=bearer(session["access_token"]))).json()
    assert body["user"]["id"] == user.user_id
    assert body["tenant"] == {"id": admin.tenant_id, "name": "Team"}
    assert body["role"] == role
    assert body["memberships"] == [
        {"tenant_id": user.tenant_id, "tenant_name": "Own", "role": "admin"},
        {"tenant_id": admin.tenant_id, "tenant_name": "Team", "role": role},
    ]


async def test_me_for_an_api_key(client: httpx.AsyncClient, account: Account) -> None:
    created = await client.post("/api/v1/api-keys", json={"name": "reports", "role": "viewer"}, headers=account.headers)
    assert created.status_code == 201, created.text
    body = (await client.get(ME, headers=bearer(created.json()["key"]))).json()
    assert body == {
        "user": None,
        "tenant": {"id": account.tenant_id, "name": "Acme"},
        "role": "viewer",
        "memberships": [],
    }


async def test_me_needs_credentials(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "detail": "authentication required"}
