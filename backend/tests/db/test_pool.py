"""The connection pool pings only connections that sat idle, and replaces one the server dropped meanwhile."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text
from sqlalchemy.engine.interfaces import DBAPIConnection

from crewloom.db.engine import Database


async def backend_pid(database: Database) -> int:
    async with database.session() as session:
        pid: int = (await session.execute(select(text("pg_backend_pid()")))).scalar_one()
    return pid


async def terminate(database: Database, pid: int) -> None:
    async with database.session() as session:
        await session.execute(select(text("pg_terminate_backend(:pid)")).params(pid=pid))


def count_pings(database: Database) -> list[int]:
    pings: list[int] = []
    dialect = database.engine.sync_engine.dialect
    ping = dialect.do_ping

    def counted(connection: DBAPIConnection) -> bool:
        pings.append(1)
        return ping(connection)

    dialect.do_ping = counted  # type: ignore[method-assign,assignment]
    return pings


async def test_a_connection_in_steady_use_is_not_pinged(database_url: str) -> None:
    database = Database(database_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=60)
    try:
        pings = count_pings(database)
        pids = {await backend_pid(database) for _ in range(5)}
        assert len(pids) == 1
        assert pings == []
    finally:
        await database.dispose()


async def test_an_idle_connection_the_server_dropped_is_replaced_before_use(database_url: str) -> None:
    database = Database(database_url, pool_size=1, max_overflow=0, ping_after_idle_seconds=0.05)
    helper = Database(database_url, pool_size=1, max_overflow=0)
    try:
        pings = count_pings(database)
        first = await backend_pid(database)
        await terminate(helper, first)
        await asyncio.sleep(0.1)

        second = await backend_pid(database)

        assert second != first
        assert pings
    finally:
        await database.dispose()
        await helper.dispose()
