"""Refresh-token rotation, reuse detection and sign-out."""

from __future__ import annotations

import httpx

from crewloom.auth.permissions import Role
from crewloom.db.engine import Database
from tests.auth.conftest import add_membership, bearer, login, remove_membership
from tests.conftest import Account, register

REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(REFRESH, json={"refresh_token": token})


async def test_refresh_rotates_the_pair(client: httpx.AsyncClient, account: Account) -> None:
    response = await refresh(client, account.refresh_token)
    assert response.status_code == 200, response.text
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in", "tenant_id"}
    assert pair["tenant_id"] == account.tenant_id
    assert pair["refresh_token"] != account.refresh_token
    assert (await client.get("/api/v1/me", headers=bearer(pair["access_token"]))).status_code == 200


async def test_a_spent_refresh_token_is_refused(client: httpx.AsyncClient, account: Account) -> None:
    assert (await refresh(client, account.refresh_token)).status_code == 200
    again = await refresh(client, account.refresh_token)
    assert again.status_code == 401
    assert again.json()["error"] == "unauthorized"
    assert again.headers["WWW-Authenticate"] == "Bearer"


async def test_reuse_revokes_the_whole_family(client: httpx.AsyncClient, account: Account) -> None:
    first = (await refresh(client, account.refresh_token)).json()["refresh_token"]
    newest = (await refresh(client, first)).json()["refresh_token"]
    assert (await refresh(client, account.refresh_token)).status_code == 401
    # The revocation was committed although that answer was an error: the newest token is dead too.
    assert (await refresh(client, newest)).status_code == 401


async def test_reuse_leaves_other_sessions_alone(client: httpx.AsyncClient, account: Account) -> None:
    other_session = (await login(client, account.email)).json()["refresh_token"]
    assert (await refresh(client, account.refresh_token)).status_code == 200
    assert (await refresh(client, account.refresh_token)).status_code == 401
    assert (await refresh(client, other_session)).status_code == 200


async def test_an_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, account: Account) -> None:
    assert (await refresh(client, account.access_token)).status_code == 401


async def test_garbage_refresh_token_is_401(client: httpx.AsyncClient) -> None:
    assert (await refresh(client, "not.a.token")).status_code == 401
    assert (await refresh(client, "")).status_code == 422


async def test_a_removed_member_cannot_refresh(client: httpx.AsyncClient, database: Database) -> None:
    admin = await register(client)
    user = await register(client)
    await add_membership(database, tenant_id=admin.tenant_id, user_id=user.user_id, role=Role.member)
    session = (await login(client, user.email, tenant_id=admin.tenant_id)).json()
    await remove_membership(database, tenant_id=admin.tenant_id, user_id=user.user_id)
    response = await refresh(client, session["refresh_token"])
    assert response.status_code == 401
    assert response.json()["detail"] == "no longer a member of this workspace"


async def test_logout_ends_the_session(client: httpx.AsyncClient, account: Account) -> None:
    rotated = (await refresh(client, account.refresh_token)).json()["refresh_token"]
    response = await client.post(LOGOUT, json={"refresh_token": rotated})
    assert response.status_code == 204
    assert response.content == b""
    assert (await refresh(client, rotated)).status_code == 401


async def test_logout_leaves_other_sessions_alone(client: httpx.AsyncClient, account: Account) -> None:
    other_session = (await login(client, account.email)).json()["refresh_token"]
    assert (await client.post(LOGOUT, json={"refresh_token": account.refresh_token})).status_code == 204
    assert (await refresh(client, other_session)).status_code == 200


async def test_logout_with_an_invalid_token_is_401(client: httpx.AsyncClient, account: Account) -> None:
    assert (await client.post(LOGOUT, json={"refresh_token": "garbage"})).status_code == 401
    assert (await client.post(LOGOUT, json={"refresh_token": account.access_token})).status_code == 401
