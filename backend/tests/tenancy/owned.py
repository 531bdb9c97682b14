"""What a tenant owns, reachable by id: each domain adds its kinds and routes here, and the cross-tenant
test refuses any route with a path parameter that is not listed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.conftest import Team, unique_email


@dataclass(frozen=True)
class OwnedKind:
    create: Callable[[httpx.AsyncClient, Team], Awaitable[str]]
    # The owner's view of the object, compared before and after the intruder's attempt.
    read_back: Callable[[httpx.AsyncClient, Team, str], Awaitable[Any]]


async def _listed(client: httpx.AsyncClient, team: Team, path: str, key: str, value: str) -> Any:
    response = await client.get(path, params={"limit": 200}, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item[key] == value]


async def _member(client: httpx.AsyncClient, team: Team) -> str:
    return team.member.user_id


async def _invitation(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post(
        "/api/v1/invitations", json={"email": unique_email("pending"), "role": "member"}, headers=team.admin.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _api_key(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post("/api/v1/api-keys", json={"name": "ci", "role": "member"}, headers=team.admin.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


KINDS: dict[str, OwnedKind] = {
    "member": OwnedKind(_member, lambda c, t, i: _listed(c, t, "/api/v1/members", "user_id", i)),
    "invitation": OwnedKind(_invitation, lambda c, t, i: _listed(c, t, "/api/v1/invitations", "id", i)),
    "api_key": OwnedKind(_api_key, lambda c, t, i: _listed(c, t, "/api/v1/api-keys", "id", i)),
}

# (method, path) -> (kind of the path's id, a valid body so that only ownership can refuse the call)
ROUTES_BY_ID: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {
    ("PATCH", "/api/v1/members/{user_id}"): ("member", {"role": "admin"}),
    ("DELETE", "/api/v1/members/{user_id}"): ("member", None),
    ("DELETE", "/api/v1/invitations/{invitation_id}"): ("invitation", None),
    ("DELETE", "/api/v1/api-keys/{key_id}"): ("api_key", None),
}
