"""Invitations: created by admins, shown once, accepted once, before they expire, by the right person."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewloom.config import Settings
from tests.conftest import PASSWORD, Account, Team, make_settings, register, unique_email
from tests.server import running_server
from tests.tenants.conftest import accept, bearer, invite


async def _pending(client: httpx.AsyncClient, admin: Account) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/invitations", headers=admin.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_invitation_is_shown_once_and_listed_without_token(client: httpx.AsyncClient, account: Account) -> None:
    email = unique_email("Mixed.Case")
    created = await invite(client, account, email=email.upper(), role="viewer")
    assert created["email"] == email.lower()
    assert created["role"] == "viewer"
    assert len(created["token"]) >= 40
    expires = datetime.fromisoformat(created["expires_at"])
    assert timedelta(hours=71) < expires - datetime.now(expires.tzinfo) <= timedelta(hours=72)
    listed = await client.get("/api/v1/invitations", headers=account.headers)
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    assert created["token"] not in listed.text
    assert "token" not in listed.json()["items"][0]


async def test_accepting_creates_the_account_and_a_session(client: httpx.AsyncClient, account: Account) -> None:
    email = unique_email("new")
    created = await invite(client, account, email=email, role="member")
    response = await client.post(
        "/api/v1/invitations/accept",
        json={"token": created["token"], "password": PASSWORD, "display_name": "New Person"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["email"] == email
    assert body["user"]["display_name"] == "New Person"
    assert body["tenant"] == {"id": account.tenant_id, "name": "Acme"}
    assert body["role"] == "member"
    assert body["tenant_id"] == account.tenant_id
    assert (await client.get("/api/v1/tenant", headers=bearer(body["access_token"]))).status_code == 200
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    assert await _pending(client, account) == []


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_non_admins_cannot_manage_invitations(client: httpx.AsyncClient, team: Team, role: str) -> None:
    pending = await invite(client, team.admin)
    headers = team.by_role(role).headers
    created = await client.post("/api/v1/invitations", json={"email": unique_email(), "role": role}, headers=headers)
    assert created.status_code == 403
    assert (await client.get("/api/v1/invitations", headers=headers)).status_code == 403
    assert (await client.delete(f"/api/v1/invitations/{pending['id']}", headers=headers)).status_code == 403
    assert [item["id"] for item in await _pending(client, team.admin)] == [pending["id"]]


async def test_token_works_once(client: httpx.AsyncClient, account: Account) -> None:
    created = await invite(client, account)
    assert (await accept(client, created["token"])).status_code == 200
    again = await accept(client, created["token"])
    assert again.status_code == 410
    assert again.json() == {"error": "invitation_gone", "detail": "this invitation has already been used"}


async def test_concurrent_accepts_let_exactly_one_through(client: httpx.AsyncClient, account: Account) -> None:
    created = await invite(client, account)
    responses = await asyncio.gather(*(accept(client, created["token"]) for _ in range(4)))
    assert sorted(response.status_code for response in responses) == [200, 410, 410, 410]
    members = (await client.get("/api/v1/members", headers=account.headers)).json()["items"]
    assert [item["email"] for item in members].count(created["email"]) == 1


async def test_unknown_token_is_404(client: httpx.AsyncClient) -> None:
    response = await accept(client, "not-a-token-we-issued")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


async def test_expired_invitation_is_gone(client: httpx.AsyncClient, account: Account, db: Any) -> None:
    created = await invite(client, account)
    await db.execute(
        "update public.invitations set expires_at = now() - interval '1 second' where id = $1::uuid", created["id"]
    )
    assert await _pending(client, account) == []
    response = await accept(client, created["token"])
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


async def test_expiry_follows_the_settings(database_url: str, tmp_path: Path) -> None:
    with running_server(make_settings(database_url, tmp_path, invitation_hours=0)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as short_lived:
            admin = await register(short_lived)
            created = await invite(short_lived, admin)
            assert (await accept(short_lived, created["token"])).status_code == 410


async def test_revoked_invitation_is_gone(client: httpx.AsyncClient, account: Account) -> None:
    created = await invite(client, account)
    revoked = await client.delete(f"/api/v1/invitations/{created['id']}", headers=account.headers)
    assert revoked.status_code == 204
    assert (await client.delete(f"/api/v1/invitations/{created['id']}", headers=account.headers)).status_code == 204
    assert await _pending(client, account) == []
    response = await accept(client, created["token"])
    assert response.status_code == 410
    assert "revoked" in response.json()["detail"]


async def test_accepted_invitation_cannot_be_revoked(client: httpx.AsyncClient, account: Account) -> None:
    created = await invite(client, account)
    assert (await accept(client, created["token"])).status_code == 200
    response = await client.delete(f"/api/v1/invitations/{created['id']}", headers=account.headers)
    assert response.status_code == 409


async def test_inviting_again_replaces_the_pending_invitation(client: httpx.AsyncClient, account: Account) -> None:
    email = unique_email()
    first = await invite(client, account, email=email)
    second = await invite(client, account, email=email, role="viewer")
    assert [item["id"] for item in await _pending(client, account)] == [second["id"]]
    assert (await accept(client, first["token"])).status_code == 410
    accepted = await accept(client, second["token"])
    assert accepted.json()["role"] == "viewer"


async def test_inviting_a_member_is_409(client: httpx.AsyncClient, team: Team) -> None:
    for email in (team.member.email, team.admin.email.upper()):
        response = await client.post(
            "/api/v1/invitations", json={"email": email, "role": "viewer"}, headers=team.admin.headers
        )
        assert response.status_code == 409
        assert response.json()["detail"]["field"] == "email"


async def test_invalid_invitation_input_is_422(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.post(
        "/api/v1/invitations", json={"email": "nope", "role": "owner"}, headers=account.headers
    )
    assert response.status_code == 422
    assert {problem["field"] for problem in response.json()["detail"]} == {"email", "role"}


async def _member_ids(client: httpx.AsyncClient, admin: Account) -> set[str]:
    response = await client.get("/api/v1/members", headers=admin.headers)
    return {item["user_id"] for item in response.json()["items"]}


async def test_existing_account_joins_with_its_own_password(lenient_client: httpx.AsyncClient) -> None:
    client = lenient_client
    account = await register(client)
    elsewhere = await register(client, tenant_name="Elsewhere")
    created = await invite(client, account, email=elsewhere.email, role="viewer")

    wrong = await accept(client, created["token"], password="not the right password")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "unauthorized"
    assert elsewhere.user_id not in await _member_ids(client, account)

    right = await accept(client, created["token"], password=elsewhere.password)
    assert right.status_code == 200, right.text
    assert right.json()["user"]["id"] == elsewhere.user_id
    assert right.json()["role"] == "viewer"
    assert elsewhere.user_id in await _member_ids(client, account)
    # The account keeps its own workspace and its own password.
    assert (await client.get("/api/v1/tenant", headers=elsewhere.headers)).json()["name"] == "Elsewhere"
    login = await client.post("/api/v1/auth/login", json={"email": elsewhere.email, "password": elsewhere.password})
    assert login.status_code == 200


async def test_guessing_a_password_through_invitations_is_throttled(
    lenient_client: httpx.AsyncClient, settings: Settings
) -> None:
    client = lenient_client
    account = await register(client)
    victim = await register(client)
    created = await invite(client, account, email=victim.email)
    limit = settings.login_max_failures_per_account
    for attempt in range(limit):
        assert (await accept(client, created["token"], password=f"guess number {attempt}")).status_code == 401
    assert (await accept(client, created["token"], password="one guess too many")).status_code == 429
    assert (await accept(client, created["token"], password=victim.password)).status_code == 429
    assert victim.user_id not in await _member_ids(client, account)


async def test_other_tenants_invitations_are_not_found(client: httpx.AsyncClient, account: Account) -> None:
    created = await invite(client, account)
    outsider = await register(client)
    response = await client.delete(f"/api/v1/invitations/{created['id']}", headers=outsider.headers)
    assert response.status_code == 404
    assert await _pending(client, outsider) == []
    assert [item["id"] for item in await _pending(client, account)] == [created["id"]]
    assert (await accept(client, created["token"])).json()["tenant_id"] == account.tenant_id
