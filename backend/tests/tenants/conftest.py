"""A direct database connection for checks the API does not expose, a server for password tests,
and invitation helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import PASSWORD, Account, make_settings, unique_email
from tests.server import running_server


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Any]:
    connection = await asyncpg.connect(database_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def lenient_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server that ignores the per-address sign-in limit, which every test from 127.0.0.1 shares:
    password tests then depend only on their own account's count."""
    settings = make_settings(database_url, tmp_path_factory.mktemp("lenient"), login_max_failures_per_address=10**6)
    with running_server(settings) as url:
        yield url


@pytest.fixture
async def lenient_client(lenient_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=lenient_url, timeout=30) as http:
        yield http


async def invite(
    client: httpx.AsyncClient, admin: Account, *, email: str | None = None, role: str = "member"
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/invitations", json={"email": email or unique_email("invitee"), "role": role}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def accept(client: httpx.AsyncClient, token: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/v1/invitations/accept", json={"token": token, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
