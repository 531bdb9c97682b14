"""Tenant benchmark: provision 1,000 tenants, migrate their schemas, then touch every one of them on a
single connection and report that PostgreSQL backend's memory.

Run with ``make bench`` (or ``cd backend && uv run python ../bench/tenants.py``). It works on a fresh
database ``crewloom_bench`` of the local server (``CREWLOOM_BENCH_DATABASE_URL`` overrides it;
``CREWLOOM_BENCH_TENANTS`` changes the count) and drops that database at the end.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy import MetaData, Table, column, func, make_url, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import DropTable

from crewloom.auth.passwords import hash_password
from crewloom.auth.repository import UserRepository
from crewloom.config import Settings
from crewloom.db.engine import Database, async_url
from crewloom.db.migrations.parallel import migrate_public, migrate_tenants
from crewloom.db.session import unit_of_work
from crewloom.kit.ids import new_id
from crewloom.models import TENANT_SCHEMA, AuditEvent, TenantBase, TenantSchema, User
from crewloom.tenants.provisioning import provision_tenant

DATABASE_URL = os.environ.get("CREWLOOM_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/crewloom_bench")
TENANTS = int(os.environ.get("CREWLOOM_BENCH_TENANTS", "1000"))
PROVISION_TARGET_MS = 100.0
MIGRATE_TARGET_S = 60.0
MIB = 1024 * 1024


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def on_admin_database(statement: str) -> None:
    url = make_url(async_url(DATABASE_URL))
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(statement.format(name=url.database))
    finally:
        await connection.close()


async def provision(database: Database) -> list[float]:
    """Seconds per tenant: its admin user, the tenant, its registry row and schema, one transaction each.

    The password hash is computed once and reused: argon2 costs tens of milliseconds by design, and
    this measures provisioning, not hashing."""
    password_hash = hash_password("bench password")
    timings = []
    for number in range(TENANTS):
        started = time.perf_counter()
        async with unit_of_work(database) as session:
            user = User(id=new_id(), email=f"bench-{number}@example.com", password_hash=password_hash)
            await UserRepository(session).add(user)
            await provision_tenant(session, name=f"Bench {number}", admin_user_id=user.id)
        timings.append(time.perf_counter() - started)
    return timings


async def timed_migration(concurrency: int) -> tuple[float, int]:
    started = time.perf_counter()
    results = await migrate_tenants(DATABASE_URL, concurrency=concurrency)
    return time.perf_counter() - started, sum(not result.ok for result in results)


async def empty_every_schema(database: Database, schemas: list[str]) -> None:
    """Put every tenant schema back before its first migration, so the next run does the real work.
    One transaction per schema: a single one would hold thousands of locks."""
    for schema in schemas:
        async with database.engine.begin() as connection:
            translate = {"schema_translate_map": {TENANT_SCHEMA: schema}}
            for model in reversed(TenantBase.metadata.sorted_tables):
                await connection.execute(DropTable(model), execution_options=translate)
            await connection.execute(DropTable(Table("alembic_version", MetaData(), schema=schema)))
            await connection.execute(
                update(TenantSchema).where(TenantSchema.schema_name == schema).values(version=None)
            )


def resident_bytes(pid: int) -> int | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


@dataclass(frozen=True)
class BackendMemory:
    pid: int
    contexts: int
    rss: int | None


async def backend_memory(session: AsyncSession) -> BackendMemory:
    """The backend's memory contexts in bytes, and its resident set size when the server is local."""
    contexts = table("pg_backend_memory_contexts", column("total_bytes"))
    total = await session.scalar(select(func.sum(contexts.c.total_bytes)))
    pid = int(await session.scalar(select(func.pg_backend_pid())) or 0)
    return BackendMemory(pid, int(total or 0), resident_bytes(pid))


async def touch_every_tenant(schemas: list[str]) -> tuple[BackendMemory, BackendMemory, float]:
    """One query on each tenant's audit_events, all through the one connection of the pool."""
    database = Database(DATABASE_URL, pool_size=1, max_overflow=0)
    try:
        async with database.session() as session:
            before = await backend_memory(session)
        started = time.perf_counter()
        for schema in schemas:
            async with database.session(schema) as session:
                await session.scalar(select(func.count()).select_from(AuditEvent))
        elapsed = time.perf_counter() - started
        async with database.session() as session:
            after = await backend_memory(session)
        assert before.pid == after.pid, "the pool changed connections"
        return before, after, elapsed
    finally:
        await database.dispose()


def memory_line(label: str, before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return f"  {label:<24} not measurable (server not on this machine)"
    return f"  {label:<24} {before / MIB:7.1f} MiB -> {after / MIB:7.1f} MiB  (+{(after - before) / MIB:.1f} MiB)"


async def main() -> None:
    concurrency = Settings().migrate_concurrency
    print(f"Crewloom tenant benchmark: {TENANTS} tenants on database {make_url(DATABASE_URL).database}")
    await on_admin_database('drop database if exists "{name}" with (force)')
    await on_admin_database('create database "{name}"')
    database = Database(DATABASE_URL, pool_size=2, max_overflow=0)
    try:
        await migrate_public(DATABASE_URL)

        timings_ms = [seconds * 1000 for seconds in await provision(database)]
        median = statistics.median(timings_ms)
        p99 = statistics.quantiles(timings_ms, n=100)[98] if len(timings_ms) > 1 else timings_ms[0]
        print("provisioning: admin user + tenant + schema at head, one transaction per tenant")
        print("  (one password hash reused for every user, so argon2 is not measured)")
        print(
            f"  median {median:6.1f} ms   p99 {p99:6.1f} ms   target < {PROVISION_TARGET_MS:.0f} ms per tenant", end=""
        )
        print(f"   {verdict(p99 < PROVISION_TARGET_MS)}")

        async with database.session() as session:
            schemas = list(await session.scalars(select(TenantSchema.schema_name).order_by(TenantSchema.schema_name)))
        print(f"migrate {len(schemas)} tenant schemas, concurrency {concurrency}")
        for label, prepare in (("already at head", False), ("from empty to head", True)):
            if prepare:
                await empty_every_schema(database, schemas)
            seconds, failed = await timed_migration(concurrency)
            print(f"  {label:<20} {seconds:6.1f} s   target < {MIGRATE_TARGET_S:.0f} s", end="")
            print(f"   {verdict(seconds < MIGRATE_TARGET_S and not failed)}{f'  ({failed} failed)' if failed else ''}")

        before, after, elapsed = await touch_every_tenant(schemas)
        print(
            f"touch every tenant on one connection (backend pid {after.pid}): {len(schemas)} queries in {elapsed:.1f} s"
        )
        print(memory_line("backend memory contexts", before.contexts, after.contexts))
        print(memory_line("backend RSS", before.rss, after.rss))
    finally:
        await database.dispose()
        await on_admin_database('drop database if exists "{name}" with (force)')


if __name__ == "__main__":
    asyncio.run(main())
