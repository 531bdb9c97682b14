"""Creating and dropping tenant schemas. Schema names come only from generated ids."""

from __future__ import annotations

import re

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateIndex, CreateSchema, CreateTable, DropSchema

from crewloom.db.migrations.runner import stamp_tenant_schema
from crewloom.kit.ids import TENANT_SCHEMA_PREFIX
from crewloom.models.base import TENANT_SCHEMA, TenantBase

_SCHEMA_NAME = re.compile(rf"^{TENANT_SCHEMA_PREFIX}[0-9a-f]{{32}}$")


def check_schema_name(schema: str) -> str:
    """Refuse anything that is not a generated tenant schema name, whatever its origin."""
    if not _SCHEMA_NAME.fullmatch(schema):
        raise ValueError(f"not a tenant schema name: {schema!r}")
    return schema


def _create_tables(connection: Connection, schema: str) -> None:
    translate = {"schema_translate_map": {TENANT_SCHEMA: schema}}
    for table in TenantBase.metadata.sorted_tables:
        connection.execute(CreateTable(table), execution_options=translate)
        for index in table.indexes:
            connection.execute(CreateIndex(index), execution_options=translate)
    stamp_tenant_schema(connection, schema)


async def create_tenant_schema(session: AsyncSession, schema: str) -> None:
    """Create the schema with every table at the current head, inside the caller's transaction, so
    a failure anywhere in tenant creation leaves nothing behind."""
    connection = await session.connection()
    await connection.execute(CreateSchema(check_schema_name(schema)))
    await connection.run_sync(_create_tables, schema)


async def drop_tenant_schema(session: AsyncSession, schema: str) -> None:
    connection = await session.connection()
    await connection.execute(DropSchema(check_schema_name(schema), cascade=True, if_exists=True))
