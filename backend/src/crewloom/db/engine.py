"""The process's connection pool, with one lightweight bind per tenant schema."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import event, exc, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from crewloom.models.base import TENANT_SCHEMA

_TENANT_BIND_CACHE_SIZE = 2048
# A pooled connection idle for longer is pinged before it is handed out (the server may have restarted meanwhile).
# Pinging at every checkout, as pool_pre_ping does, costs three round trips per transaction with asyncpg.
PING_AFTER_IDLE_SECONDS = 1.0
_CHECKED_IN_AT = "crewloom_checked_in_at"


def async_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and select the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('://', 1)[0]}://…")


class Database:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS,
    ) -> None:
        self.url = async_url(url)
        self.engine: AsyncEngine = create_async_engine(self.url, pool_size=pool_size, max_overflow=max_overflow)
        _ping_idle_connections(self.engine, ping_after_idle_seconds)
        # A pooled connection seen without transactions: each statement commits by itself.
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._tenant_binds: OrderedDict[str, AsyncEngine] = OrderedDict()

    def tenant_bind(self, schema: str) -> AsyncEngine:
        """The shared pool seen through a schema translation: every statement is compiled fully
        qualified for ``schema``, and nothing is set on the pooled connection itself."""
        bind = self._tenant_binds.get(schema)
        if bind is None:
            bind = self.engine.execution_options(schema_translate_map={TENANT_SCHEMA: schema})
            self._tenant_binds[schema] = bind
            if len(self._tenant_binds) > _TENANT_BIND_CACHE_SIZE:
                self._tenant_binds.popitem(last=False)
        else:
            self._tenant_binds.move_to_end(schema)
        return bind

    def session(self, schema: str | None = None) -> AsyncSession:
        bind = self.engine if schema is None else self.tenant_bind(schema)
        return AsyncSession(bind=bind, expire_on_commit=False)

    def autocommit_session(self) -> AsyncSession:
        """For work of a single statement on public tables, such as finding who a request is: without BEGIN and
        COMMIT, it costs one round trip to the server instead of three."""
        return AsyncSession(bind=self._autocommit, expire_on_commit=False)

    async def open_connections(self, count: int) -> None:
        """Fill the pool with ``count`` connections now (up to its size), so that a burst of work right after a
        process starts does not wait for the server to start a backend for each."""
        connections = await asyncio.gather(*(self.engine.connect().start() for _ in range(count)))
        await asyncio.gather(*(connection.close() for connection in connections))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a connection that sat in the pool for more than ``idle_seconds`` before handing it out; one that does not
    answer is replaced. A connection the server dropped while in use fails its statement, and the pool replaces
    every connection as old as it at their next checkout."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def remember_checkin(_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def ping_if_idle(connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        # A new connection has no check-in yet: it needs no ping.
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at <= idle_seconds:
            return
        try:
            dialect.do_ping(connection)
        except Exception as error:
            raise exc.DisconnectionError(f"a pooled connection no longer answers: {error}") from error


async def ensure_database_exists(url: str) -> None:
    """Create the configured database when the server lacks it, so a fresh server works at once."""
    import asyncpg

    parsed = make_url(async_url(url))
    name = parsed.database
    if not name:
        return
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    try:
        exists = await connection.fetchval("select 1 from pg_database where datname = $1", name)
        if not exists:
            quoted = '"' + name.replace('"', '""') + '"'
            await connection.execute(f"create database {quoted}")
    finally:
        await connection.close()
