"""Fixtures: a fresh PostgreSQL database per test session, a real API server, and user helpers.

The database server is the machine's PostgreSQL (``CREWLOOM_TEST_DATABASE_URL`` names the database to
create; it is dropped and recreated at the start of each session).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url

from crewloom.config import Settings
from crewloom.db.engine import async_url
from crewloom.db.migrations.parallel import migrate_public
from tests.server import running_server

DATABASE_URL = os.environ.get("CREWLOOM_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/crewloom_test")
REDIS_URL = os.environ.get("CREWLOOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery"


async def _recreate_database(url: str) -> None:
    parsed = make_url(async_url(url))
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'drop database if exists "{parsed.database}" with (force)')
        await connection.execute(f'create database "{parsed.database}"')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def database_url() -> str:
    asyncio.run(_recreate_database(DATABASE_URL))
    asyncio.run(migrate_public(DATABASE_URL))
    return DATABASE_URL


def separate_database(suffix: str) -> str:
    """A new, migrated database beside the shared one, for tests whose dispatchers must not meet the
    shared API server's: that server's dispatcher would claim their queued executions under its own
    settings."""
    parsed = make_url(async_url(DATABASE_URL))
    url = parsed.set(database=f"{parsed.database}_{suffix}", drivername="postgresql")
    rendered = url.render_as_string(hide_password=False)
    asyncio.run(_recreate_database(rendered))
    asyncio.run(migrate_public(rendered))
    return rendered


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": "test-signing-key-" + "x" * 32,
        "redis_url": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(database_url, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def base_url(settings: Settings) -> Iterator[str]:
    with running_server(settings) as url:
        yield url


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        yield http


@dataclass
class Account:
    email: str
    password: str
    user_id: str
    tenant_id: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def unique_email(stem: str = "user") -> str:
    return f"{stem}-{uuid.uuid4().hex[:10]}@example.com"


async def register(client: httpx.AsyncClient, *, email: str | None = None, tenant_name: str = "Acme") -> Account:
    email = email or unique_email()
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Test User", "tenant_name": tenant_name},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(
        email=email,
        password=PASSWORD,
        user_id=body["user"]["id"],
        tenant_id=body["tenant"]["id"],
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )


@pytest.fixture
async def account(client: httpx.AsyncClient) -> Account:
    return await register(client)


async def join_by_invitation(client: httpx.AsyncClient, admin: Account, role: str) -> Account:
    """A new user invited into the admin's tenant with ``role``, logged in there."""
    email = unique_email(role)
    invited = await client.post("/api/v1/invitations", json={"email": email, "role": role}, headers=admin.headers)
    assert invited.status_code == 201, invited.text
    accepted = await client.post(
        "/api/v1/invitations/accept", json={"token": invited.json()["token"], "password": PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    return Account(
        email=email,
        password=PASSWORD,
        user_id=body["user"]["id"],
        tenant_id=admin.tenant_id,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )


@dataclass
class Team:
    admin: Account
    member: Account
    viewer: Account

    def by_role(self, role: str) -> Account:
        account: Account = getattr(self, role)
        return account


@pytest.fixture
async def team(client: httpx.AsyncClient) -> Team:
    admin = await register(client)
    return Team(
        admin=admin,
        member=await join_by_invitation(client, admin, "member"),
        viewer=await join_by_invitation(client, admin, "viewer"),
    )
