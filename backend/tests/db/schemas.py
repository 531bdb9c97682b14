"""Deliberate damage to a tenant schema, and its repair, for the migration tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Executable, MetaData, Table, delete, select, table, update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.schema import DropTable

from crewloom.db.engine import async_url
from crewloom.db.tenancy import check_schema_name
from crewloom.models import TenantBase, TenantSchema


async def _execute(database_url: str, *statements: Executable) -> None:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(statement)
    finally:
        await engine.dispose()


async def schema_of(database_url: str, tenant_id: str) -> str:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.connect() as connection:
            query = select(TenantSchema.schema_name).where(TenantSchema.tenant_id == uuid.UUID(tenant_id))
            return check_schema_name((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def registry_row(database_url: str, schema: str) -> dict[str, Any]:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(select(TenantSchema).where(TenantSchema.schema_name == schema))).one()
            return dict(row._mapping)
    finally:
        await engine.dispose()


async def forget_version(database_url: str, schema: str) -> None:
    """The schema keeps its tables but no longer records its version, so an upgrade tries to create
    them again and fails on "already exists"."""
    await _execute(database_url, delete(table("alembic_version", schema=check_schema_name(schema))))


async def mark_outdated(database_url: str, schema: str) -> None:
    await _execute(database_url, update(TenantSchema).where(TenantSchema.schema_name == schema).values(version=None))


async def drop_tenant_tables(database_url: str, schema: str) -> None:
    """The repair of a schema whose version was lost: start it over from empty."""
    metadata = MetaData()
    drops = [
        DropTable(Table(model.name, metadata, schema=check_schema_name(schema)))
        for model in reversed(TenantBase.metadata.sorted_tables)
    ]
    await _execute(database_url, *drops)
