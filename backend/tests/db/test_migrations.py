"""The Alembic chains against the models, and per-schema migration with a broken tenant."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.schema import CreateSchema

from crewloom.db.engine import async_url
from crewloom.db.migrations import runner
from crewloom.db.migrations.compare import comparison_context, models_in
from crewloom.db.migrations.parallel import migrate_tenants
from crewloom.models import PUBLIC_SCHEMA, PublicBase, TenantBase
from tests.conftest import register
from tests.db.schemas import drop_tenant_tables, forget_version, mark_outdated, registry_row, schema_of


@pytest.fixture
async def connection(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection whose work, DDL included, is rolled back at the end of the test."""
    engine = create_async_engine(async_url(database_url))
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()
    await engine.dispose()


def _differences(connection: Connection, source: MetaData, schema: str | None) -> list[Any]:
    return list(compare_metadata(comparison_context(connection, schema), models_in(source, schema)))


async def test_tenant_chain_builds_exactly_the_models(connection: AsyncConnection) -> None:
    schema = f"t_{uuid.uuid4().hex}"
    await connection.execute(CreateSchema(schema))
    version = await connection.run_sync(runner.upgrade, "tenant", schema)

    assert version == runner.head("tenant")
    assert await connection.run_sync(_differences, TenantBase.metadata, schema) == []


async def test_public_chain_builds_exactly_the_models(connection: AsyncConnection) -> None:
    assert await connection.run_sync(runner.current_version, PUBLIC_SCHEMA) == runner.head("public")
    assert await connection.run_sync(_differences, PublicBase.metadata, None) == []


async def test_a_broken_tenant_schema_fails_alone_and_heals_on_rerun(
    client: httpx.AsyncClient, database_url: str
) -> None:
    healthy = await register(client, tenant_name="Healthy")
    broken = await register(client, tenant_name="Broken")
    healthy_schema = await schema_of(database_url, healthy.tenant_id)
    broken_schema = await schema_of(database_url, broken.tenant_id)
    head = runner.head("tenant")

    await forget_version(database_url, broken_schema)
    results = {result.schema: result for result in await migrate_tenants(database_url, concurrency=2)}

    failed = results[broken_schema]
    assert not failed.ok
    assert failed.error is not None
    assert "already exists" in failed.error
    assert all(result.ok for schema, result in results.items() if schema != broken_schema)
    assert results[healthy_schema].after == head
    registry = await registry_row(database_url, broken_schema)
    assert registry["status"] == "failed"
    assert "already exists" in registry["error"]

    await mark_outdated(database_url, broken_schema)
    assert (await client.get("/api/v1/me", headers=healthy.headers)).status_code == 200
    refused = await client.get("/api/v1/me", headers=broken.headers)
    assert refused.status_code == 503
    assert refused.json()["error"] == "tenant_schema_outdated"

    await drop_tenant_tables(database_url, broken_schema)
    repaired = {result.schema: result for result in await migrate_tenants(database_url, concurrency=2)}
    assert all(result.ok for result in repaired.values())
    assert (repaired[broken_schema].before, repaired[broken_schema].after) == (None, head)
    registry = await registry_row(database_url, broken_schema)
    assert (registry["status"], registry["version"], registry["error"]) == ("ready", head, None)
    assert (await client.get("/api/v1/me", headers=broken.headers)).status_code == 200

    again = await migrate_tenants(database_url, concurrency=2)
    assert again
    assert all(result.ok and result.before == result.after == head for result in again)
