"""Tenant API keys: shown once, usable as a bearer with their role, revocable, private to their tenant."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Account, Team, register


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _create(client: httpx.AsyncClient, admin: Account, *, role: str = "admin", name: str = "ci") -> Any:
    response = await client.post("/api/v1/api-keys", json={"name": name, "role": role}, headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_key_is_shown_once_and_works_as_a_bearer(client: httpx.AsyncClient, account: Account) -> None:
    created = await _create(client, account, name="deploy bot")
    assert created["name"] == "deploy bot"
    assert created["role"] == "admin"
    assert created["key"].startswith(created["prefix"] + "_")
    assert created["prefix"].startswith("cl_")

    tenant = await client.get("/api/v1/tenant", headers=_bearer(created["key"]))
    assert tenant.status_code == 200
    assert tenant.json()["id"] == account.tenant_id

    listed = await client.get("/api/v1/api-keys", headers=account.headers)
    assert listed.status_code == 200
    secret = created["key"].removeprefix(created["prefix"] + "_")
    assert secret not in listed.text
    [item] = listed.json()["items"]
    assert item["id"] == created["id"]
    assert item["prefix"] == created["prefix"]
    assert item["created_by"] == account.user_id
    assert item["last_used_at"] is not None
    assert item["revoked_at"] is None
    assert not {"key", "key_hash"} & set(item)


async def test_key_acts_with_its_own_role(client: httpx.AsyncClient, account: Account) -> None:
    viewer_key = (await _create(client, account, role="viewer"))["key"]
    assert (await client.get("/api/v1/tenant", headers=_bearer(viewer_key))).status_code == 200
    renamed = await client.patch("/api/v1/tenant", json={"name": "Nope"}, headers=_bearer(viewer_key))
    assert renamed.status_code == 403
    assert (await client.get("/api/v1/api-keys", headers=_bearer(viewer_key))).status_code == 403

    admin_key = (await _create(client, account, role="admin"))["key"]
    made = await client.post("/api/v1/api-keys", json={"name": "child", "role": "member"}, headers=_bearer(admin_key))
    assert made.status_code == 201
    assert len((await client.get("/api/v1/api-keys", headers=_bearer(admin_key))).json()["items"]) == 3


async def test_revoked_key_is_refused(client: httpx.AsyncClient, account: Account) -> None:
    created = await _create(client, account)
    revoked = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=account.headers)
    assert revoked.status_code == 204
    response = await client.get("/api/v1/tenant", headers=_bearer(created["key"]))
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    [item] = (await client.get("/api/v1/api-keys", headers=account.headers)).json()["items"]
    assert item["revoked_at"] is not None
    again = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=account.headers)
    assert again.status_code == 204


async def test_a_key_can_revoke_itself(client: httpx.AsyncClient, account: Account) -> None:
    created = await _create(client, account)
    headers = _bearer(created["key"])
    assert (await client.delete(f"/api/v1/api-keys/{created['id']}", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/tenant", headers=headers)).status_code == 401


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_non_admins_cannot_manage_keys(client: httpx.AsyncClient, team: Team, role: str) -> None:
    created = await _create(client, team.admin)
    headers = team.by_role(role).headers
    assert (await client.post("/api/v1/api-keys", json={"name": "x", "role": role}, headers=headers)).status_code == 403
    assert (await client.get("/api/v1/api-keys", headers=headers)).status_code == 403
    assert (await client.delete(f"/api/v1/api-keys/{created['id']}", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/tenant", headers=_bearer(created["key"]))).status_code == 200


async def test_other_tenants_keys_are_not_found(client: httpx.AsyncClient, account: Account) -> None:
    created = await _create(client, account)
    outsider = await register(client)
    response = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=outsider.headers)
    assert response.status_code == 404
    assert (await client.get("/api/v1/api-keys", headers=outsider.headers)).json()["items"] == []
    assert (await client.get("/api/v1/tenant", headers=_bearer(created["key"]))).json()["id"] == account.tenant_id


async def test_keys_page_newest_first(client: httpx.AsyncClient, account: Account) -> None:
    ids = [(await _create(client, account, name=f"key {n}"))["id"] for n in range(3)]
    first = (await client.get("/api/v1/api-keys", params={"limit": 2}, headers=account.headers)).json()
    second = (
        await client.get(
            "/api/v1/api-keys", params={"limit": 2, "cursor": first["next_cursor"]}, headers=account.headers
        )
    ).json()
    assert [item["id"] for item in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [({"name": "", "role": "admin"}, {"name"}), ({"name": "x", "role": "root"}, {"role"}), ({}, {"name", "role"})],
)
async def test_invalid_key_input_is_422(
    client: httpx.AsyncClient, account: Account, body: dict[str, str], fields: set[str]
) -> None:
    response = await client.post("/api/v1/api-keys", json=body, headers=account.headers)
    assert response.status_code == 422
    assert {problem["field"] for problem in response.json()["detail"]} == fields


@pytest.mark.parametrize("key", ["cl_", "cl_abcdefgh_", "cl_abcdefgh_wrongsecret", "cl_short_secret"])
async def test_made_up_keys_are_refused(client: httpx.AsyncClient, key: str) -> None:
    assert (await client.get("/api/v1/tenant", headers=_bearer(key))).status_code == 401
