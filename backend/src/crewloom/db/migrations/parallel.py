"""``crewloom migrate``: public first, then every tenant schema in worker processes.

Each schema upgrades in one transaction together with its registry row, so a failure leaves that
schema exactly at its previous version (and refused by the API), and a re-run picks it up again.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from crewloom.db.engine import async_url
from crewloom.db.migrations import runner
from crewloom.models import TenantSchema
from crewloom.models.base import utcnow


@dataclass(frozen=True)
class SchemaResult:
    schema: str
    ok: bool
    before: str | None
    after: str | None
    seconds: float
    error: str | None = None


_worker_loop: asyncio.AbstractEventLoop | None = None
_worker_engine: AsyncEngine | None = None


def _start_worker(url: str) -> None:
    global _worker_loop, _worker_engine
    _worker_loop = asyncio.new_event_loop()
    _worker_engine = create_async_engine(async_url(url), pool_size=1, max_overflow=0)


async def _upgrade_schema(engine: AsyncEngine, schema: str) -> SchemaResult:
    started = time.perf_counter()
    before: str | None = None
    try:
        async with engine.begin() as connection:
            before = await connection.run_sync(runner.current_version, schema)
            after = await connection.run_sync(runner.upgrade, "tenant", schema)
            await connection.execute(
                update(TenantSchema)
                .where(TenantSchema.schema_name == schema)
                .values(version=after, status="ready", error=None, migrated_at=utcnow())
            )
        return SchemaResult(schema, True, before, after, time.perf_counter() - started)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:2000]
        async with engine.begin() as connection:
            await connection.execute(
                update(TenantSchema).where(TenantSchema.schema_name == schema).values(status="failed", error=message)
            )
        return SchemaResult(schema, False, before, before, time.perf_counter() - started, message)


def _upgrade_in_worker(schema: str) -> SchemaResult:
    assert _worker_loop is not None
    assert _worker_engine is not None
    return _worker_loop.run_until_complete(_upgrade_schema(_worker_engine, schema))


async def migrate_public(url: str) -> str | None:
    engine = create_async_engine(async_url(url), pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(runner.upgrade_public)
    finally:
        await engine.dispose()


async def tenant_schemas(url: str) -> list[str]:
    engine = create_async_engine(async_url(url), pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(TenantSchema.schema_name).order_by(TenantSchema.schema_name))
            return list(rows.scalars())
    finally:
        await engine.dispose()


async def migrate_tenants(
    url: str, *, concurrency: int, on_result: Callable[[SchemaResult], None] | None = None
) -> list[SchemaResult]:
    """Upgrade every registered tenant schema, at most ``concurrency`` at a time."""
    schemas = await tenant_schemas(url)
    if not schemas:
        return []
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(concurrency, len(schemas)))
    results: list[SchemaResult] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(url,)) as pool:
        pending = [loop.run_in_executor(pool, _upgrade_in_worker, schema) for schema in schemas]
        for finished in asyncio.as_completed(pending):
            result = await finished
            results.append(result)
            if on_result is not None:
                on_result(result)
    return sorted(results, key=lambda result: result.schema)
