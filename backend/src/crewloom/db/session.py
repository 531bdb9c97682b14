"""The request's unit of work: services add and flush, the unit of work commits or rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.db.engine import Database


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


@asynccontextmanager
async def unit_of_work(database: Database, schema: str | None = None) -> AsyncIterator[AsyncSession]:
    async with database.session(schema) as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
