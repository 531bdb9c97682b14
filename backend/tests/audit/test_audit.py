"""The audit trail: every administrative change recorded with its actor, filtered, private to its tenant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, Account, Team, register, unique_email


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _events(client: httpx.AsyncClient, headers: dict[str, str], **filters: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/audit", params=filters, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    body: dict[str, Any] = response.json() if response.content else {}
    return body


async def test_each_change_is_recorded_with_its_actor(client: httpx.AsyncClient, account: Account) -> None:
    admin = account.headers
    _ok(await client.patch("/api/v1/tenant", json={"name": "Renamed"}, headers=admin))
    invited = _ok(
        await client.post("/api/v1/invitations", json={"email": unique_email(), "role": "member"}, headers=admin)
    )
    joined = _ok(
        await client.post("/api/v1/invitations/accept", json={"token": invited["token"], "password": PASSWORD})
    )
    newcomer = joined["user"]["id"]
    _ok(await client.patch(f"/api/v1/members/{newcomer}", json={"role": "viewer"}, headers=admin))
    _ok(await client.delete(f"/api/v1/members/{newcomer}", headers=admin))
    withdrawn = _ok(
        await client.post("/api/v1/invitations", json={"email": unique_email(), "role": "viewer"}, headers=admin)
    )
    _ok(await client.delete(f"/api/v1/invitations/{withdrawn['id']}", headers=admin))
    key = _ok(await client.post("/api/v1/api-keys", json={"name": "bot", "role": "admin"}, headers=admin))
    child = _ok(
        await client.post("/api/v1/api-keys", json={"name": "child", "role": "viewer"}, headers=_bearer(key["key"]))
    )
    _ok(await client.delete(f"/api/v1/api-keys/{child['id']}", headers=_bearer(key["key"])))

    response = await client.get("/api/v1/audit", headers=admin)
    events = response.json()["items"]
    seen = [(e["action"], e["resource_type"], e["resource_id"], e["actor_kind"], e["actor_id"]) for e in events]
    assert seen == [
        ("api_key.revoke", "api_key", child["id"], "api_key", key["id"]),
        ("api_key.create", "api_key", child["id"], "api_key", key["id"]),
        ("api_key.create", "api_key", key["id"], "user", account.user_id),
        ("invitation.revoke", "invitation", withdrawn["id"], "user", account.user_id),
        ("invitation.create", "invitation", withdrawn["id"], "user", account.user_id),
        ("member.remove", "member", newcomer, "user", account.user_id),
        ("member.role_change", "member", newcomer, "user", account.user_id),
        ("invitation.accept", "invitation", invited["id"], "user", newcomer),
        ("invitation.create", "invitation", invited["id"], "user", account.user_id),
        ("tenant.rename", "tenant", account.tenant_id, "user", account.user_id),
    ]
    assert events[-1]["detail"] == {"from": "Acme", "to": "Renamed"}
    assert events[6]["detail"] == {"from": "member", "to": "viewer"}
    assert all(event["client_address"] == "127.0.0.1" for event in events)
    for secret in (invited["token"], withdrawn["token"], key["key"], child["key"]):
        assert secret not in response.text


async def test_refused_changes_leave_no_event(client: httpx.AsyncClient, team: Team) -> None:
    demoted = await client.patch(
        f"/api/v1/members/{team.admin.user_id}", json={"role": "member"}, headers=team.admin.headers
    )
    assert demoted.status_code == 409
    forbidden = await client.patch("/api/v1/tenant", json={"name": "x"}, headers=team.member.headers)
    assert forbidden.status_code == 403
    actions = {event["action"] for event in await _events(client, team.admin.headers)}
    assert actions == {"invitation.create", "invitation.accept"}


async def test_filters_narrow_the_list(client: httpx.AsyncClient, team: Team) -> None:
    headers = team.admin.headers
    _ok(await client.patch("/api/v1/tenant", json={"name": "One"}, headers=headers))
    _ok(await client.patch("/api/v1/tenant", json={"name": "Two"}, headers=headers))

    renames = await _events(client, headers, action="tenant.rename")
    assert [event["detail"]["to"] for event in renames] == ["Two", "One"]
    invitations = await _events(client, headers, resource_type="invitation")
    assert {event["action"] for event in invitations} == {"invitation.create", "invitation.accept"}
    by_member = await _events(client, headers, actor_id=team.member.user_id)
    assert [event["action"] for event in by_member] == ["invitation.accept"]
    assert await _events(client, headers, action="tenant.rename", actor_id=team.member.user_id) == []

    first, second = renames[1], renames[0]
    assert await _events(client, headers, action="tenant.rename", since=second["created_at"]) == [second]
    assert await _events(client, headers, action="tenant.rename", until=second["created_at"]) == [first]
    assert await _events(
        client, headers, action="tenant.rename", since=first["created_at"], until=second["created_at"]
    ) == [first]
    later = (datetime.fromisoformat(second["created_at"]) + timedelta(seconds=1)).replace(tzinfo=None).isoformat()
    assert await _events(client, headers, action="tenant.rename", since=later) == []


async def test_events_page_newest_first(client: httpx.AsyncClient, account: Account) -> None:
    for n in range(5):
        _ok(await client.patch("/api/v1/tenant", json={"name": f"Name {n}"}, headers=account.headers))
    names: list[str] = []
    params = {"limit": "2"}
    for _ in range(5):
        page = (await client.get("/api/v1/audit", params=params, headers=account.headers)).json()
        names.extend(event["detail"]["to"] for event in page["items"])
        if page["next_cursor"] is None:
            break
        params = {"limit": "2", "cursor": page["next_cursor"]}
    assert names == [f"Name {n}" for n in reversed(range(5))]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2030-01-02T00:00:00Z", "until": "2030-01-01T00:00:00Z"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"actor_id": "not-a-uuid"}, "actor_id"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
async def test_bad_filters_are_422(
    client: httpx.AsyncClient, account: Account, params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/v1/audit", params=params, headers=account.headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    fields = [problem["field"] for problem in detail] if isinstance(detail, list) else [detail["field"]]
    assert fields == [field]


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_only_admins_read_the_audit_log(client: httpx.AsyncClient, team: Team, role: str) -> None:
    response = await client.get("/api/v1/audit", headers=team.by_role(role).headers)
    assert response.status_code == 403


async def test_audit_of_one_tenant_is_invisible_to_another(client: httpx.AsyncClient, team: Team) -> None:
    _ok(await client.patch("/api/v1/tenant", json={"name": "Private"}, headers=team.admin.headers))
    outsider = await register(client)
    assert await _events(client, outsider.headers) == []
    assert await _events(client, outsider.headers, actor_id=team.admin.user_id) == []
    _ok(await client.patch("/api/v1/tenant", json={"name": "Mine"}, headers=outsider.headers))
    [own] = await _events(client, outsider.headers)
    assert own["actor_id"] == outsider.user_id
    assert own["detail"] == {"from": "Acme", "to": "Mine"}
    assert "Mine" not in (await client.get("/api/v1/audit", headers=team.admin.headers)).text
