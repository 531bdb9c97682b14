"""The tenant itself: reading, renaming with hostile names, and deleting with confirmation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from crewloom.db.migrations.runner import head
from crewloom.kit.ids import tenant_schema_name
from tests.conftest import Account, Team, register
from tests.tenants.conftest import bearer

HOSTILE_NAMES = [
    "public",
    "pg_catalog",
    'x"; drop schema public; --',
    "O'Brien's \"quoted\" team",
    "semi;colon;;",
    "t_00000000000000000000000000000000",
    "  padded name  ",
    "Équipe 工作区 🚀 مرحبا",
    "%s %(name)s {0} $1 \\",
    "x" * 200,
]

LEFTOVERS = [
    "select count(*) from public.tenants where id = $1::uuid",
    "select count(*) from public.tenant_schemas where tenant_id = $1::uuid",
    "select count(*) from public.memberships where tenant_id = $1::uuid",
    "select count(*) from public.api_keys where tenant_id = $1::uuid",
    "select count(*) from public.invitations where tenant_id = $1::uuid",
    "select count(*) from public.refresh_tokens where tenant_id = $1::uuid",
]


async def _schema_exists(db: Any, tenant_id: str) -> bool:
    schema = tenant_schema_name(uuid.UUID(tenant_id))
    found = await db.fetchval("select count(*) from information_schema.schemata where schema_name = $1", schema)
    return bool(found)


async def test_every_role_reads_the_tenant(client: httpx.AsyncClient, team: Team) -> None:
    for account in (team.admin, team.member, team.viewer):
        response = await client.get("/api/v1/tenant", headers=account.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == team.admin.tenant_id
        assert body["name"] == "Acme"
        assert body["schema_version"] == head("tenant")
        assert body["created_at"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
async def test_names_round_trip_unchanged(client: httpx.AsyncClient, account: Account, db: Any, name: str) -> None:
    renamed = await client.patch("/api/v1/tenant", json={"name": name}, headers=account.headers)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == name
    fetched = await client.get("/api/v1/tenant", headers=account.headers)
    assert fetched.json()["name"] == name
    assert await db.fetchval("select name from public.tenants where id = $1::uuid", account.tenant_id) == name
    assert await _schema_exists(db, account.tenant_id)
    assert await db.fetchval("select count(*) from information_schema.schemata where schema_name = 'public'") == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "nul\x00byte", "line\nbreak"])
async def test_unusable_names_are_422_naming_the_field(client: httpx.AsyncClient, account: Account, name: str) -> None:
    response = await client.patch("/api/v1/tenant", json={"name": name}, headers=account.headers)
    assert response.status_code == 422, response.text
    assert [problem["field"] for problem in response.json()["detail"]] == ["name"]
    assert (await client.get("/api/v1/tenant", headers=account.headers)).json()["name"] == "Acme"


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_only_admins_rename(client: httpx.AsyncClient, team: Team, role: str) -> None:
    response = await client.patch("/api/v1/tenant", json={"name": "Taken over"}, headers=team.by_role(role).headers)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert (await client.get("/api/v1/tenant", headers=team.admin.headers)).json()["name"] == "Acme"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"confirm": "acme"}, "confirm"), ({"confirm": "Acme "}, "confirm"), ({}, "confirm"), (None, "body")],
)
async def test_delete_needs_the_exact_name(
    client: httpx.AsyncClient, account: Account, db: Any, body: dict[str, Any] | None, field: str
) -> None:
    response = await client.request("DELETE", "/api/v1/tenant", json=body, headers=account.headers)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    fields = [problem["field"] for problem in detail] if isinstance(detail, list) else [detail["field"]]
    assert fields == [field]
    assert await _schema_exists(db, account.tenant_id)
    assert (await client.get("/api/v1/tenant", headers=account.headers)).status_code == 200


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_only_admins_delete(client: httpx.AsyncClient, team: Team, db: Any, role: str) -> None:
    response = await client.request(
        "DELETE", "/api/v1/tenant", json={"confirm": "Acme"}, headers=team.by_role(role).headers
    )
    assert response.status_code == 403
    assert await _schema_exists(db, team.admin.tenant_id)


async def test_delete_drops_everything_and_ends_every_session(client: httpx.AsyncClient, team: Team, db: Any) -> None:
    name = 'x"; drop schema public; --'
    admin = team.admin
    assert (await client.patch("/api/v1/tenant", json={"name": name}, headers=admin.headers)).status_code == 200
    created = await client.post("/api/v1/api-keys", json={"name": "ci", "role": "admin"}, headers=admin.headers)
    key = created.json()["key"]
    other = await register(client)

    response = await client.request("DELETE", "/api/v1/tenant", json={"confirm": name}, headers=admin.headers)
    assert response.status_code == 204, response.text

    assert not await _schema_exists(db, admin.tenant_id)
    for query in LEFTOVERS:
        assert await db.fetchval(query, admin.tenant_id) == 0, query
    for headers in (admin.headers, team.member.headers, team.viewer.headers, bearer(key)):
        assert (await client.get("/api/v1/tenant", headers=headers)).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": admin.refresh_token})
    assert refreshed.status_code == 401
    assert await _schema_exists(db, other.tenant_id)
    assert (await client.get("/api/v1/tenant", headers=other.headers)).status_code == 200
