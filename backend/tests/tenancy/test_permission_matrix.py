"""Every route of the API, for every role and for no credentials, against the one permission matrix."""

from __future__ import annotations

import httpx
import pytest

from crewloom.auth.permissions import MATRIX, Role, is_allowed
from crewloom.config import Settings
from tests.conftest import Team
from tests.tenancy.routes import PUBLIC_ROUTES, Route, api_routes


def _call(client: httpx.AsyncClient, route: Route, headers: dict[str, str]) -> httpx.Request:
    return client.build_request(route.method, route.url(), json={} if route.sends_body else None, headers=headers)


async def test_openapi_lists_exactly_the_routes_walked(client: httpx.AsyncClient, settings: Settings) -> None:
    spec = (await client.get("/openapi.json")).json()
    documented = {(method.upper(), path) for path, operations in spec["paths"].items() for method in operations}
    walked = {(route.method, route.path) for route in api_routes(settings)}
    assert walked == {entry for entry in documented if entry[1].startswith("/api/v1")}


def test_every_route_declares_exactly_one_matrix_entry(settings: Settings) -> None:
    for route in api_routes(settings):
        if (route.method, route.path) in PUBLIC_ROUTES:
            assert route.permissions == (), f"{route.method} {route.path} is public but declares a permission"
            continue
        assert len(route.permissions) == 1, f"{route.method} {route.path} must declare one permission"
        permission = route.permissions[0]
        assert (permission.resource, permission.action) in MATRIX, f"{route.path} uses an entry not in the matrix"


def test_public_routes_exist(settings: Settings) -> None:
    walked = {(route.method, route.path) for route in api_routes(settings)}
    assert walked >= PUBLIC_ROUTES


async def test_no_credentials_is_401_on_every_protected_route(client: httpx.AsyncClient, settings: Settings) -> None:
    for route in api_routes(settings):
        if (route.method, route.path) in PUBLIC_ROUTES:
            continue
        response = await client.send(_call(client, route, {}))
        assert response.status_code == 401, f"{route.method} {route.path}: {response.status_code}"
        assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("role", list(Role))
async def test_every_role_gets_what_the_matrix_says(
    client: httpx.AsyncClient, settings: Settings, team: Team, role: Role
) -> None:
    account = team.by_role(role)
    mismatches = []
    for route in api_routes(settings):
        if (route.method, route.path) in PUBLIC_ROUTES:
            continue
        permission = route.permissions[0]
        response = await client.send(_call(client, route, account.headers))
        allowed = is_allowed(role, permission.resource, permission.action)
        if allowed and response.status_code in (401, 403):
            mismatches.append(f"{route.method} {route.path}: {role} allowed but got {response.status_code}")
        if not allowed and response.status_code != 403:
            mismatches.append(f"{route.method} {route.path}: {role} forbidden but got {response.status_code}")
        assert response.status_code < 500, f"{route.method} {route.path}: {response.status_code} {response.text}"
    assert mismatches == []
