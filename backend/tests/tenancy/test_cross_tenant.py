"""Tenant B reaching tenant A's objects by id: always 404, and nothing of A's changes."""

from __future__ import annotations

import re

import httpx
import pytest

from crewloom.config import Settings
from tests.conftest import Team, register
from tests.tenancy.owned import KINDS, ROUTES_BY_ID
from tests.tenancy.routes import PUBLIC_ROUTES, api_routes

PLACEHOLDER = re.compile(r"\{([^}:]+)\}")


def test_every_route_with_an_id_is_covered(settings: Settings) -> None:
    with_ids = {(route.method, route.path) for route in api_routes(settings) if route.params}
    assert with_ids - set(ROUTES_BY_ID) == set(), "add these routes to tests/tenancy/owned.py"


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES_BY_ID))
async def test_other_tenant_gets_404_and_changes_nothing(
    client: httpx.AsyncClient, team: Team, method: str, path: str
) -> None:
    kind_name, body = ROUTES_BY_ID[(method, path)]
    kind = KINDS[kind_name]
    object_id = await kind.create(client, team)
    before = await kind.read_back(client, team, object_id)
    intruder = await register(client, tenant_name="Intruder")
    # The first placeholder is the owned object; later ones (a version number) get a value that exists.
    first, *rest = PLACEHOLDER.findall(path)
    url = path.replace(f"{{{first}}}", object_id)
    for name in rest:
        url = url.replace(f"{{{name}}}", "1")
    response = await client.request(method, url, json=body, headers=intruder.headers)
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
    assert await kind.read_back(client, team, object_id) == before


async def test_other_tenant_lists_never_show_the_objects(
    client: httpx.AsyncClient, team: Team, settings: Settings
) -> None:
    owned_ids = [await kind.create(client, team) for kind in KINDS.values()]
    intruder = await register(client, tenant_name="Intruder")
    listings = [
        route
        for route in api_routes(settings)
        if route.method == "GET" and not route.params and (route.method, route.path) not in PUBLIC_ROUTES
    ]
    assert listings
    for route in listings:
        response = await client.get(route.path, headers=intruder.headers)
        assert response.status_code == 200, f"{route.path}: {response.text}"
        for object_id in owned_ids:
            assert object_id not in response.text, f"{route.path} shows another tenant's {object_id}"
