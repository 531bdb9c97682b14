"""Sign-in: tokens for the right workspace; one indistinguishable answer for every bad credential."""

from __future__ import annotations

import time

import httpx

from crewloom.auth.permissions import Role
from crewloom.db.engine import Database
from tests.auth.conftest import add_membership, bearer, login, remove_membership
from tests.conftest import PASSWORD, Account, register, unique_email

INVALID = {"error": "invalid_credentials", "detail": "email or password is incorrect"}


async def test_login_answers_a_session_in_the_users_workspace(client: httpx.AsyncClient, account: Account) -> None:
    response = await login(client, account.email.upper())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tenant_id"] == account.tenant_id
    assert body["tenant"] == {"id": account.tenant_id, "name": "Acme"}
    assert body["role"] == "admin"
    assert body["user"]["id"] == account.user_id
    assert body["token_type"] == "bearer"
    me = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["user"]["id"] == account.user_id


async def test_login_picks_the_requested_workspace_else_the_oldest(
    client: httpx.AsyncClient, database: Database
) -> None:
    user = await register(client, tenant_name="Home")
    other = await register(client, tenant_name="Elsewhere")
    stranger = await register(client, tenant_name="Not mine")
    await add_membership(database, tenant_id=other.tenant_id, user_id=user.user_id, role=Role.viewer)

    requested = (await login(client, user.email, tenant_id=other.tenant_id)).json()
    assert (requested["tenant_id"], requested["role"]) == (other.tenant_id, "viewer")
    assert requested["tenant"]["name"] == "Elsewhere"

    default = (await login(client, user.email)).json()
    assert (default["tenant_id"], default["role"]) == (user.tenant_id, "admin")

    not_a_member = (await login(client, user.email, tenant_id=stranger.tenant_id)).json()
    assert not_a_member["tenant_id"] == user.tenant_id


async def test_wrong_password_and_unknown_email_are_indistinguishable(
    client: httpx.AsyncClient, account: Account
) -> None:
    started = time.perf_counter()
    wrong_password = await login(client, account.email, "not the password")
    wrong_password_took = time.perf_counter() - started
    started = time.perf_counter()
    unknown_email = await login(client, unique_email("nobody"), PASSWORD)
    unknown_email_took = time.perf_counter() - started

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json() == INVALID
    # Both paths verify one argon2 hash (a decoy for the unknown email); neither returns early.
    assert wrong_password_took > 0.005
    assert unknown_email_took > 0.005


async def test_an_overlong_password_is_refused_before_hashing(client: httpx.AsyncClient, account: Account) -> None:
    response = await login(client, account.email, "p" * 129)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "password"


async def test_a_user_in_no_workspace_is_told_so(
    client: httpx.AsyncClient, database: Database, account: Account
) -> None:
    await remove_membership(database, tenant_id=account.tenant_id, user_id=account.user_id)
    response = await login(client, account.email)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
