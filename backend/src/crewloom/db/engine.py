"""The process's connection pool, with one lightweight bind per tenant schema."""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from crewloom.models.base import TENANT_SCHEMA

_TENANT_BIND_CACHE_SIZE = 2048


def async_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and select the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('://', 1)[0]}://…")


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 10) -> None:
        self.url = async_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
        )
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

    async def dispose(self) -> None:
        await self.engine.dispose()


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
