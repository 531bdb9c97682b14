"""``crewloom migrate``: the public schema, then every tenant schema, one status line each."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import typer
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import create_async_engine

from crewloom.cli.database import database_url, public_version
from crewloom.config import Settings
from crewloom.db.engine import async_url, ensure_database_exists
from crewloom.db.migrations import runner
from crewloom.db.migrations.parallel import SchemaResult, migrate_public, migrate_tenants
from crewloom.models import PUBLIC_SCHEMA, TenantSchema


def _reason(error: str) -> str:
    """The first line of an error: database errors carry the statement and a link on later lines."""
    return error.strip().splitlines()[0] if error.strip() else "unknown error"


def status_line(result: SchemaResult) -> str:
    line = (
        f"{result.schema:<34} {'ok' if result.ok else 'failed':<6} "
        f"{result.before or '-'} -> {result.after or '-'}  {result.seconds * 1000:7.0f} ms"
    )
    return line if result.ok else f"{line}  {_reason(result.error or '')}"


def echo_result(result: SchemaResult) -> None:
    typer.secho(status_line(result), fg=None if result.ok else typer.colors.RED)


async def upgrade_public(url: str) -> SchemaResult:
    started = time.perf_counter()
    before: str | None = None
    try:
        # A fresh server needs no `createdb`: migrating creates the database first.
        await ensure_database_exists(url)
        before = await public_version(url)
        after = await migrate_public(url)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        return SchemaResult(PUBLIC_SCHEMA, False, before, before, time.perf_counter() - started, message)
    return SchemaResult(PUBLIC_SCHEMA, True, before, after, time.perf_counter() - started)


async def tenants_behind(url: str) -> int:
    """How many registered tenant schemas are not recorded at head, or failed last time."""
    engine = create_async_engine(async_url(url), pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            query = (
                select(func.count())
                .select_from(TenantSchema)
                .where(
                    or_(
                        TenantSchema.version.is_distinct_from(runner.head("tenant")),
                        TenantSchema.status != "ready",
                    )
                )
            )
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def migrate_all(
    url: str, concurrency: int, on_result: Callable[[SchemaResult], None]
) -> tuple[SchemaResult, list[SchemaResult]]:
    """Public first: tenant migrations may rely on it. A failed public schema stops there."""
    public = await upgrade_public(url)
    on_result(public)
    if not public.ok:
        return public, []
    return public, await migrate_tenants(url, concurrency=concurrency, on_result=on_result)


def run_migrate(concurrency: int | None) -> int:
    settings = Settings()
    workers = concurrency or settings.migrate_concurrency
    started = time.perf_counter()
    with database_url(settings) as url:
        public, tenants = asyncio.run(migrate_all(url, workers, echo_result))
    results = [public, *tenants]
    failed = sum(not result.ok for result in results)
    summary = (
        f"{len(results)} schemas (public and {len(tenants)} tenant{'' if len(tenants) == 1 else 's'}): "
        f"{len(results) - failed} ok, {failed} failed in {time.perf_counter() - started:.1f} s"
    )
    if not public.ok:
        summary += "; tenant schemas were not attempted"
    typer.secho(summary, fg=typer.colors.RED if failed else typer.colors.GREEN)
    return 1 if failed else 0
