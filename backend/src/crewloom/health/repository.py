from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from crewloom.db.migrations import runner
from crewloom.models.base import PUBLIC_SCHEMA


async def public_schema_version(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return runner.current_version(connection, PUBLIC_SCHEMA)

    async with engine.connect() as connection:
        await connection.execute(text("select 1"))
        return await connection.run_sync(read)
