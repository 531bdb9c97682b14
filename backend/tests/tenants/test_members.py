"""Members: listing, role changes, removal, the last-admin rule and isolation between tenants."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import Team, register


async def _members(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    response = await client.get("/api/v1/members", headers=headers)
    assert response.status_code == 200, response.text
    return {item["user_id"]: item["role"] for item in response.json()["items"]}


async def test_every_role_lists_members(client: httpx.AsyncClient, team: Team) -> None:
    response = await client.get("/api/v1/members", headers=team.viewer.headers)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(item["email"], item["role"]) for item in items] == [
        (team.admin.email, "admin"),
        (team.member.email, "member"),
        (team.viewer.email, "viewer"),
    ]
    assert items[0]["display_name"] == "Test User"
    assert all(item["joined_at"] for item in items)


async def test_members_page_by_cursor(client: httpx.AsyncClient, team: Team) -> None:
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        params = {"limit": "1"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/members", params=params, headers=team.admin.headers)).json()
        seen.extend(item["user_id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [team.admin.user_id, team.member.user_id, team.viewer.user_id]


async def test_admin_changes_a_role(client: httpx.AsyncClient, team: Team) -> None:
    response = await client.patch(
        f"/api/v1/members/{team.viewer.user_id}", json={"role": "admin"}, headers=team.admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"
    assert response.json()["email"] == team.viewer.email
    # The new role applies to the existing token at once: roles are read on every request.
    invited = await client.post(
        "/api/v1/invitations", json={"email": "new@example.com", "role": "viewer"}, headers=team.viewer.headers
    )
    assert invited.status_code == 201


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_non_admins_change_and_remove_nobody(client: httpx.AsyncClient, team: Team, role: str) -> None:
    caller = team.by_role(role)
    changed = await client.patch(f"/api/v1/members/{caller.user_id}", json={"role": "admin"}, headers=caller.headers)
    assert changed.status_code == 403
    removed = await client.delete(f"/api/v1/members/{team.admin.user_id}", headers=caller.headers)
    assert removed.status_code == 403
    assert await _members(client, team.admin.headers) == {
        team.admin.user_id: "admin",
        team.member.user_id: "member",
        team.viewer.user_id: "viewer",
    }


async def test_invalid_role_is_422(client: httpx.AsyncClient, team: Team) -> None:
    response = await client.patch(
        f"/api/v1/members/{team.member.user_id}", json={"role": "owner"}, headers=team.admin.headers
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "role"


async def test_the_last_admin_can_be_neither_demoted_nor_removed(client: httpx.AsyncClient, team: Team) -> None:
    admin = team.admin
    demoted = await client.patch(f"/api/v1/members/{admin.user_id}", json={"role": "member"}, headers=admin.headers)
    assert demoted.status_code == 409
    assert "at least one admin" in demoted.json()["detail"]
    removed = await client.delete(f"/api/v1/members/{admin.user_id}", headers=admin.headers)
    assert removed.status_code == 409
    assert (await _members(client, admin.headers))[admin.user_id] == "admin"

    promoted = await client.patch(
        f"/api/v1/members/{team.member.user_id}", json={"role": "admin"}, headers=admin.headers
    )
    assert promoted.status_code == 200
    demoted = await client.patch(f"/api/v1/members/{admin.user_id}", json={"role": "viewer"}, headers=admin.headers)
    assert demoted.status_code == 200
    last = await client.delete(f"/api/v1/members/{team.member.user_id}", headers=team.member.headers)
    assert last.status_code == 409


async def test_removed_member_loses_access_at_once(client: httpx.AsyncClient, team: Team) -> None:
    response = await client.delete(f"/api/v1/members/{team.member.user_id}", headers=team.admin.headers)
    assert response.status_code == 204
    assert team.member.user_id not in await _members(client, team.admin.headers)
    assert (await client.get("/api/v1/tenant", headers=team.member.headers)).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": team.member.refresh_token})
    assert refreshed.status_code == 401
    again = await client.delete(f"/api/v1/members/{team.member.user_id}", headers=team.admin.headers)
    assert again.status_code == 404


async def test_other_tenants_members_are_not_found(client: httpx.AsyncClient, team: Team) -> None:
    outsider = await register(client)
    for user_id in (team.member.user_id, team.admin.user_id, str(uuid.uuid4())):
        changed = await client.patch(f"/api/v1/members/{user_id}", json={"role": "admin"}, headers=outsider.headers)
        assert changed.status_code == 404
        assert changed.json()["error"] == "not_found"
        removed = await client.delete(f"/api/v1/members/{user_id}", headers=outsider.headers)
        assert removed.status_code == 404
    assert await _members(client, team.admin.headers) == {
        team.admin.user_id: "admin",
        team.member.user_id: "member",
        team.viewer.user_id: "viewer",
    }
    assert list(await _members(client, outsider.headers)) == [outsider.user_id]
