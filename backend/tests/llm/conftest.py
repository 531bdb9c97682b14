"""Providers made through the API, direct database access for what the API never shows, and the fake
OpenAI-compatible server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from crewloom.db.tenancy import check_schema_name
from tests.conftest import Account
from tests.llm.fake_openai import FakeOpenAI, running_fake_openai

PROVIDERS = "/api/v1/llm-providers"


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        yield fake


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Any]:
    connection = await asyncpg.connect(database_url)
    try:
        yield connection
    finally:
        await connection.close()


def compatible(base_url: str, api_key: str | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Local server",
        "type": "openai_compatible",
        "base_url": base_url,
        "default_model": "tiny-model",
    }
    if api_key is not None:
        body["api_key"] = api_key
    body.update(fields)
    return body


async def create(client: httpx.AsyncClient, account: Account, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(PROVIDERS, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def probe(client: httpx.AsyncClient, account: Account, provider_id: str, **body: Any) -> dict[str, Any]:
    response = await client.post(f"{PROVIDERS}/{provider_id}/test", json=body, headers=account.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def provider_row(db: Any, schema: str, provider_id: str) -> Any:
    table = f'"{check_schema_name(schema)}".llm_providers'
    return await db.fetchrow(f"select * from {table} where id = $1", uuid.UUID(provider_id))  # noqa: S608
