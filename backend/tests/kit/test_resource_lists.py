"""The list conventions every workspace resource shares, through one of them: tags, name search,
sorting and cursor pages."""

from __future__ import annotations

from typing import Any

import httpx

from tests.agents.factories import create_tool
from tests.conftest import Account


async def _names(client: httpx.AsyncClient, account: Account, **params: Any) -> list[str]:
    response = await client.get("/api/v1/tools", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_tags_search_sort_and_pages(client: httpx.AsyncClient, account: Account) -> None:
    await create_tool(client, account, name="Alpha search", tags=["web", "fast"])
    await create_tool(client, account, name="Beta search", tags=["web"])
    await create_tool(client, account, name="Gamma fetch", tags=["fast"])
    await create_tool(client, account, name="100%_literal", tags=[])

    assert await _names(client, account, tag="web", sort="name") == ["Alpha search", "Beta search"]
    assert await _names(client, account, tag=["web", "fast"]) == ["Alpha search"]
    assert await _names(client, account, q="SEARCH", sort="-name") == ["Beta search", "Alpha search"]
    # Wildcards in the search are plain text.
    assert await _names(client, account, q="%_") == ["100%_literal"]

    pages: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"sort": "name", "limit": 3, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/v1/tools", params=params, headers=account.headers)
        body = response.json()
        pages += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == ["100%_literal", "Alpha search", "Beta search", "Gamma fetch"]


async def test_bad_list_parameters_name_the_field(client: httpx.AsyncClient, account: Account) -> None:
    for params, field in (({"sort": "secret"}, "sort"), ({"limit": 0}, "limit"), ({"cursor": "###"}, "cursor")):
        response = await client.get("/api/v1/tools", params=params, headers=account.headers)
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        fields = [problem["field"] for problem in detail] if isinstance(detail, list) else [detail["field"]]
        assert field in fields
