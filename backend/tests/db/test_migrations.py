"""The Alembic chains against the models, and per-schema migration with a broken tenant."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import BLANK_SCHEMA, Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.schema import CreateSchema

from crewloom.db.engine import async_url
from crewloom.db.migrations import runner
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


def _models_in(source: MetaData, schema: str | None) -> MetaData:
    """The models of ``source`` placed in ``schema`` (None: the connection's default schema, which is
    how Alembic reflects public), keeping their index names as the migrations spell them."""
    metadata = MetaData(naming_convention=source.naming_convention)
    # Foreign keys follow their tables (the models only refer within their own schema).
    target = BLANK_SCHEMA if schema is None else schema
    for model in source.sorted_tables:
        # SQLAlchemy documents a None schema and a BLANK_SCHEMA result, but its annotations omit both.
        copy = model.to_metadata(metadata, schema=schema, referred_schema_fn=lambda *_: target)  # type: ignore[arg-type]
        names = {tuple(column.name for column in index.columns): index.name for index in model.indexes}
        for index in copy.indexes:
            index.name = names[tuple(column.name for column in index.columns)]
    return metadata


def _differences(connection: Connection, source: MetaData, schema: str | None) -> list[Any]:
    def only_this_schema(name: str | None, kind: str, _parents: Any) -> bool:
        return kind != "schema" or name == schema

    context = MigrationContext.configure(
        connection,
        opts={"include_schemas": True, "include_name": only_this_schema, "version_table_schema": schema},
    )
    return list(compare_metadata(context, _models_in(source, schema)))


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
