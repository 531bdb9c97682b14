"""One pooled connection shared by two tenants, requests interleaved, some failing mid-transaction:
each tenant only ever sees its own rows, because nothing tenant-specific is set on the connection."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.conftest import Account, make_settings, register, unique_email
from tests.server import running_server

ROUNDS = 12


async def _create_keys(client: httpx.AsyncClient, account: Account, count: int) -> set[str]:
    ids = set()
    for index in range(count):
        response = await client.post(
            "/api/v1/api-keys", json={"name": f"key {index}", "role": "viewer"}, headers=account.headers
        )
        assert response.status_code == 201, response.text
        ids.add(response.json()["id"])
    return ids


async def _audited_keys(client: httpx.AsyncClient, account: Account) -> set[str]:
    response = await client.get(
        "/api/v1/audit", params={"action": "api_key.create", "limit": 200}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return {item["resource_id"] for item in response.json()["items"]}


async def _fail_mid_transaction(client: httpx.AsyncClient, account: Account, invitation_token: str) -> None:
    # Locks the invitation row, then refuses the wrong password: the transaction rolls back.
    response = await client.post(
        "/api/v1/invitations/accept", json={"token": invitation_token, "password": "wrong password!"}
    )
    assert response.status_code == 401, response.text
    # Reads the membership, then refuses the duplicate invitation.
    response = await client.post(
        "/api/v1/invitations", json={"email": account.email, "role": "viewer"}, headers=account.headers
    )
    assert response.status_code == 409, response.text
    # A successful sign-in gives back its throttle slot on the same connection.
    response = await client.post("/api/v1/auth/login", json={"email": account.email, "password": account.password})
    assert response.status_code == 200, response.text


async def test_tenants_never_see_each_others_rows_through_one_connection(database_url: str, tmp_path: Path) -> None:
    # The wrong passwords below count as sign-in failures; the limits must not turn them into 429s.
    settings = make_settings(
        database_url,
        tmp_path,
        database_pool_size=1,
        database_max_overflow=0,
        login_max_failures_per_account=1000,
        login_max_failures_per_address=1000,
    )
    with running_server(settings) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            tenant_a = await register(client, tenant_name="Tenant A")
            tenant_b = await register(client, tenant_name="Tenant B")
            keys_a = await _create_keys(client, tenant_a, 3)
            keys_b = await _create_keys(client, tenant_b, 2)
            existing = await register(client, email=unique_email("existing"), tenant_name="Elsewhere")
            invited = await client.post(
                "/api/v1/invitations", json={"email": existing.email, "role": "member"}, headers=tenant_a.headers
            )
            token = invited.json()["token"]

            work = []
            for _ in range(ROUNDS):
                work += [
                    _audited_keys(client, tenant_a),
                    _fail_mid_transaction(client, tenant_a, token),
                    _audited_keys(client, tenant_b),
                ]
            results = await asyncio.gather(*work)

    seen_by_a = [result for index, result in enumerate(results) if index % 3 == 0]
    seen_by_b = [result for index, result in enumerate(results) if index % 3 == 2]
    assert all(seen == keys_a for seen in seen_by_a)
    assert all(seen == keys_b for seen in seen_by_b)
