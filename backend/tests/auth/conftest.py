"""Fixtures of the auth tests: direct database access for arranging memberships, token forging,
and API servers with small login limits."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete

from crewloom.auth.permissions import Role
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.models import LoginFailure, Membership
from tests.conftest import PASSWORD, Account, make_settings
from tests.server import running_server


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, pool_size=2, max_overflow=0)
    yield database
    await database.dispose()


async def forget_address_failures(database: Database) -> None:
    async with unit_of_work(database) as session:
        await session.execute(delete(LoginFailure).where(LoginFailure.key.startswith("address:")))


@pytest.fixture(autouse=True)
async def _fresh_address_counts(database: Database) -> AsyncIterator[None]:
    """Every test client calls from 127.0.0.1, so the per-address count is shared by all tests; each
    test starts from zero and leaves zero behind."""
    await forget_address_failures(database)
    yield
    await forget_address_failures(database)


async def add_membership(database: Database, *, tenant_id: str, user_id: str, role: Role) -> None:
    async with unit_of_work(database) as session:
        session.add(Membership(tenant_id=uuid.UUID(tenant_id), user_id=uuid.UUID(user_id), role=role))


async def remove_membership(database: Database, *, tenant_id: str, user_id: str) -> None:
    async with unit_of_work(database) as session:
        await session.execute(
            delete(Membership).where(
                Membership.tenant_id == uuid.UUID(tenant_id), Membership.user_id == uuid.UUID(user_id)
            )
        )


async def login(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, tenant_id: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"email": email, "password": password}
    if tenant_id is not None:
        body["tenant_id"] = tenant_id
    return await client.post("/api/v1/auth/login", json=body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def access_claims(settings: Settings, account: Account, **overrides: Any) -> dict[str, Any]:
    """The claims of a valid access token for ``account``; overrides replace or (as None) drop claims."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": account.user_id,
        "tid": account.tenant_id,
        "typ": "access",
        "jti": str(uuid.uuid4()),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def forge(settings: Settings, claims: dict[str, Any], *, algorithm: str = "HS256") -> str:
    """A token signed with the server's own secret, as only the server (or a leaked key) could make."""
    return jwt.encode(claims, settings.signing_key(), algorithm=algorithm)


@contextmanager
def server_with(database_url: str, data_dir: Path, **overrides: object) -> Iterator[str]:
    with running_server(make_settings(database_url, data_dir, **overrides)) as url:
        yield url


@pytest.fixture
async def strict_client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a server that allows 3 failures per account and 6 per address in a 10-minute window."""
    with server_with(
        database_url,
        tmp_path,
        login_max_failures_per_account=3,
        login_max_failures_per_address=6,
        login_failure_window_seconds=600,
    ) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield http
